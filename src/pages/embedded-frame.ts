import type { CheckoutSessionRow } from '../adapters/db/schema.js';
import { type Html, html } from './html.js';

// A page of an embedded checkout, framed in the merchant's page by /js/flint.js: it tells
// that page its height, and once paid that it is complete, by `postMessage` to the
// parent's origin only — one of the session's allowed origins, never '*'.

/** What a framed page needs to know to talk to the page that frames it. */
export interface EmbedFrame {
  /** The session's allowed origins: the only ones a message may be sent to. */
  readonly origins: readonly string[];
  readonly sessionId: string;
  /** `complete` once paid: the page then tells the parent, with `returnUrl`. */
  readonly status: string;
  readonly returnUrl: string;
}

/**
 * The frame's script. The parent's origin is the first of these that is an allowed
 * origin: the browser's own word (`location.ancestorOrigins`, which a referrer policy may
 * hide), what flint.js named the frame (`flint-embed:<origin>`, kept across the frame's
 * navigations), the one allowed origin. `postMessage` is targeted at it, so the browser
 * delivers the message only if the parent really is of that origin. Nothing is sent
 * unframed.
 */
export const EMBED_FRAME_SCRIPT = `(function(){
var e=document.getElementById('flint-embed');if(!e||window.parent===window)return;
var allowed=(e.getAttribute('data-origins')||'').split(' ').filter(Boolean);
var a=location.ancestorOrigins&&location.ancestorOrigins.length?location.ancestorOrigins[0]:null;
var n=/^flint-embed:(.+)$/.exec(window.name||'');
var parent=[a,n?n[1]:null,allowed.length===1?allowed[0]:null].filter(function(o){return o&&allowed.indexOf(o)>=0})[0];
if(!parent)return;
function send(m){window.parent.postMessage(m,parent)}
var last=0;function size(){var h=Math.ceil(document.body.scrollHeight);if(h!==last){last=h;send({type:'flint:resize',height:h})}}
size();if(window.ResizeObserver)new ResizeObserver(size).observe(document.body);
if(e.getAttribute('data-status')==='complete')send({type:'flint:complete',checkout_session_id:e.getAttribute('data-session'),status:'complete',return_url:e.getAttribute('data-return-url')});
})();`;

/** The frame's marker: what its script reads (never shown). */
function marker(frame: EmbedFrame): Html {
  return html`<div id="flint-embed" hidden data-origins="${frame.origins.join(' ')}" data-session="${frame.sessionId}" data-status="${frame.status}" data-return-url="${frame.returnUrl}"></div>`;
}

/** A page's body and script, with the frame's marker and script added when embedded. */
export function framed(
  frame: EmbedFrame | undefined,
  parts: { readonly body: Html; readonly script?: string | undefined },
): { body: Html; script?: string | undefined } {
  if (!frame) return parts;
  return {
    body: html`${parts.body}${marker(frame)}`,
    script: `${parts.script ?? ''}\n${EMBED_FRAME_SCRIPT}`,
  };
}

/** Where the buyer goes once paid: `success_url` (hosted) or `return_url` (embedded). */
export function afterPaymentUrl(session: CheckoutSessionRow): string {
  const url = session.ui_mode === 'embedded' ? session.return_url : session.success_url;
  if (url === null) throw new Error(`checkout session ${session.id} has nowhere to go once paid`);
  const target = new URL(url);
  target.searchParams.set('session_id', session.id);
  return target.toString();
}

/** An embedded session's frame (undefined for a hosted one). */
export function embedFrameOf(session: CheckoutSessionRow): EmbedFrame | undefined {
  if (session.ui_mode !== 'embedded') return undefined;
  return {
    origins: session.allowed_origins,
    sessionId: session.id,
    status: session.status,
    returnUrl: afterPaymentUrl(session),
  };
}

import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../domain/html-escape.js';

// The server-rendered pages' shared parts: escaping, the layout, the stylesheet and the
// security headers. Every page is one HTML document with its style (and script, if any)
// inline under a per-response nonce: one request, nothing loaded from elsewhere.

export { escapeHtml };

/** Markup assembled from escaped parts; a plain string passed to `html` is escaped. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/**
 * A template tag: every interpolated value is escaped unless it is already `Html` (or
 * an array of it). The one way pages build markup, so no caller can forget to escape.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;overflow-wrap:break-word;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
main{max-width:56rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main.wide{max-width:96rem}
.merchant,ul.lines li>span:first-child,dl.totals dt,td:first-child{overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
a{color:#3a4ae0}
.merchant{font-weight:600;font-size:1.125rem;margin:0}
.badge{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:.25rem;background:#ffe8b3;color:#6b4500;font-size:.8rem;font-weight:600;vertical-align:middle}
.panel{background:#fff;border:1px solid #e3e8ee;border-radius:.5rem;padding:1.25rem;margin-bottom:1rem}
.grid{display:grid;gap:1rem}
@media (min-width:48rem){.grid{grid-template-columns:1fr 1fr;align-items:start}}
ul.lines{list-style:none;margin:0;padding:0}
ul.lines li{display:flex;justify-content:space-between;gap:1rem;padding:.5rem 0;border-bottom:1px solid #eef1f4}
ul.lines li>span:first-child{min-width:0}
ul.lines li>span:last-child{white-space:nowrap}
.qty{color:#5e6a7d;font-size:.9rem;display:block}
dl.totals{display:grid;grid-template-columns:1fr auto;gap:.25rem 1rem;margin:.75rem 0 0}
dl.totals dt{color:#5e6a7d}dl.totals dd{margin:0;text-align:right}
dl.totals .total{font-weight:700;color:#1a1f36;font-size:1.125rem}
label,.label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;font:inherit;padding:.6rem .75rem;border:1px solid #c4ccd6;border-radius:.375rem;background:#fff;color:inherit}
input:focus,button:focus,a:focus{outline:3px solid #8d98f5;outline-offset:1px}
input[aria-invalid=true]{border-color:#c0123c}
.row{display:grid;grid-template-columns:minmax(min-content,1fr) minmax(min-content,1fr);grid-template-rows:auto auto auto;column-gap:.75rem}
.row>div{display:grid;grid-row:span 3;grid-template-rows:subgrid;min-width:0}
.row label{white-space:nowrap}
@media (max-width:24rem){.row{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}.row label{white-space:normal}}
form.quantity{display:grid;grid-template-columns:minmax(0,1fr) auto;column-gap:.75rem;margin-top:1rem;border-top:1px solid #eef1f4}
form.quantity>*{grid-column:1/-1}form.quantity>input{grid-column:1;grid-row:2}
form.quantity>button{grid-column:2;grid-row:2;width:auto;margin:0;padding:.6rem 1.25rem}
.field-error{color:#c0123c;font-size:.9rem;margin:.25rem 0 0}
.field-error:empty{display:none}
.hint{color:#5e6a7d;font-size:.9rem;margin:.5rem 0 0}
.alert{border:1px solid #f1aeb5;background:#fdecee;color:#8a0f2c;border-radius:.375rem;padding:.75rem;margin-bottom:.75rem}
.alert:empty{display:none}
.alert ul{margin:.25rem 0 0;padding-left:1.25rem}
.alert a{color:inherit}
button{width:100%;margin-top:1.25rem;font:inherit;font-weight:600;padding:.75rem;border:0;border-radius:.375rem;background:#3a4ae0;color:#fff;cursor:pointer}
button[disabled]{opacity:.6;cursor:progress}
button.secondary{background:#fff;color:#3a4ae0;border:1px solid #3a4ae0}
.back{display:inline-block;margin-top:1rem}
table{width:100%;border-collapse:collapse}caption{text-align:left;color:#5e6a7d;padding-bottom:.5rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #eef1f4;vertical-align:top}.num{text-align:right;white-space:nowrap}
.panel table:not(.stack){display:block;overflow-x:auto}
.id,.nowrap{white-space:nowrap}
.status{display:inline-block;padding:0 .5rem;border-radius:1rem;font-size:.85rem;font-weight:600;white-space:nowrap}
.status-good{background:#d8f5df;color:#0b5d22}.status-bad{background:#fde2e5;color:#8a0f2c}.status-waiting{background:#ffefc4;color:#6b4500}.status-info{background:#e2e7ff;color:#2b3a9e}.status-done{background:#e9edf1;color:#3c4757}
.empty{color:#5e6a7d}
pre.mail-text{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;border:1px solid #e3e8ee;border-radius:.375rem;padding:1rem;font-size:.9rem}
iframe.mail-html{width:100%;height:36rem;border:1px solid #e3e8ee;border-radius:.375rem;background:#fff}
dl.mail-head{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}dl.mail-head dt{font-weight:600;color:#5e6a7d}dl.mail-head dd{margin:0;word-break:break-word}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:end}.filters>div{flex:1 1 12rem}.filters button{width:auto;padding:.6rem 1.25rem}
fieldset.choices{border:1px solid #e3e8ee;border-radius:.375rem;margin:0;padding:.25rem 1rem 1rem}legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;align-items:center;gap:.5rem;margin-top:.75rem}.choice input{width:auto;margin:0}.choice label{margin:0}.choice-detail{padding-left:1.5rem}
ol.timeline{padding-left:1.25rem}ol.timeline li{margin-bottom:.5rem}
@media (max-width:40rem){table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack caption{display:block}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.stack tr{border:1px solid #e3e8ee;border-radius:.375rem;margin-bottom:.5rem;padding:.25rem .5rem}
table.stack td{display:flex;justify-content:space-between;gap:1rem;border:0;padding:.2rem 0;text-align:right}
table.stack td::before{content:attr(data-label);font-weight:600;color:#5e6a7d;text-align:left}}
select{font:inherit;padding:.5rem;border:1px solid #c4ccd6;border-radius:.375rem;background:#fff}
.narrow{max-width:28rem;margin:2rem auto}
.console-header{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;align-items:center;margin-bottom:1rem}
form.inline{display:inline}button.link{width:auto;margin:0;padding:0;background:none;color:#3a4ae0;text-decoration:underline;font-weight:400}
.prewrap{white-space:pre-wrap}.lead{font-size:1.125rem;margin:0 0 1rem}
.notice{border:1px solid #9fd8ae;background:#e8f7ec;color:#0b5d22;border-radius:.375rem;padding:.75rem}
p.party{margin:0 0 1rem}dl.terms{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.terms dt{color:#5e6a7d}dl.terms dd{margin:0}
#card-element{padding:.7rem .75rem;border:1px solid #c4ccd6;border-radius:.375rem;background:#fff}
`;

export interface LayoutInput {
  readonly title: string;
  readonly nonce: string;
  readonly body: Html;
  /** Inline script, run under the same nonce. */
  readonly script?: string | undefined;
  /** Extra scripts from elsewhere (Stripe.js), under the same nonce. */
  readonly scriptSources?: readonly string[] | undefined;
}

export function layout(input: LayoutInput): string {
  const { nonce } = input;
  const sources = (input.scriptSources ?? []).map(
    (src) => html`<script nonce="${nonce}" src="${src}"></script>`,
  );
  const script = input.script
    ? new Html(`<script nonce="${escapeHtml(nonce)}">${input.script}</script>`)
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${input.title}</title>
<style nonce="${nonce}">${new Html(STYLE)}</style>
</head>
<body>
${input.body}
${sources}${script}
</body>
</html>
`.markup;
}

/** A small page with a title and a message (errors, closed sessions, inactive links). */
export function simplePage(title: string, message: string | Html, nonce = newNonce()): string {
  return layout({
    title,
    nonce,
    body: html`<main><div class="panel"><h1>${title}</h1><p>${message}</p></div></main>`,
  });
}

export interface PagePolicy {
  readonly nonce: string;
  /** Where forms may post or be redirected after posting (CSP `form-action`), besides self. */
  readonly formTargets?: readonly string[] | undefined;
  /** Stripe.js: its script, frames and API. */
  readonly stripe?: boolean | undefined;
  /** Flint's own pages it frames (the console's mail preview): CSP `frame-src 'self'`. */
  readonly framesSelf?: boolean | undefined;
  /**
   * The origins that may frame the page (an embedded checkout's `allowed_origins`); none
   * when not given: `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
   */
  readonly frameAncestors?: readonly string[] | undefined;
}

/**
 * The headers of every page: a strict Content-Security-Policy (only this response's
 * nonce runs; nothing loads from elsewhere except Stripe.js where it collects the card),
 * never framed (but by the origins an embedded checkout names), never cached, never
 * sniffed, no referrer (a framed page's to itself only).
 */
export function pageHeaders(policy: PagePolicy): Record<string, string> {
  const nonce = `'nonce-${policy.nonce}'`;
  const stripe = policy.stripe === true;
  const framers = policy.frameAncestors ?? [];
  const directives = [
    "default-src 'none'",
    `script-src ${nonce}${stripe ? ' https://js.stripe.com' : ''}`,
    `style-src ${nonce}`,
    "img-src 'self' data:",
    `form-action 'self'${(policy.formTargets ?? []).map((t) => ` ${t}`).join('')}`,
    `frame-ancestors ${framers.length > 0 ? framers.join(' ') : "'none'"}`,
    "base-uri 'none'",
    ...(policy.framesSelf ? ["frame-src 'self'"] : []),
    ...(stripe
      ? [
          'frame-src https://js.stripe.com https://hooks.stripe.com',
          'connect-src https://api.stripe.com',
        ]
      : []),
  ];
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': directives.join('; '),
    // Browsers without frame-ancestors: a framed page has no older equivalent to send.
    ...(framers.length > 0 ? {} : { 'x-frame-options': 'DENY' }),
    'x-content-type-options': 'nosniff',
    // A framed page's forms are defended without a cookie: they must carry their Origin,
    // which a browser sends as "null" under no-referrer (see http/csrf.ts).
    'referrer-policy': framers.length > 0 ? 'same-origin' : 'no-referrer',
    'cache-control': 'no-store',
  };
}

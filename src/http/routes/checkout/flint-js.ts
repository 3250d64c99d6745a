import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

// /js/flint.js: the script a merchant's page loads to show an embedded checkout session in
// an iframe (`Flint.mount(element, { url: session.url })`). Plain JavaScript, no build step,
// nothing evaluated from text, no inline style or markup (a strict CSP on the merchant's
// page only needs to allow this script). Its types are in the SDK (`FlintEmbed`).
//
// The frame speaks to the page by postMessage only, and the script listens only to its
// own frame: a message counts when it comes from the session URL's origin (Flint's) AND
// from this iframe's window. `flint:resize` fits the frame to its page; `flint:complete`
// calls `onComplete` and then follows the session's return_url (unless told not to).

export const FLINT_JS = `/*! Flint embedded pay: Flint.mount(element, { url, onComplete }) */
(function () {
  'use strict';
  if (window.Flint && window.Flint.mount) return;
  var current = document.currentScript;
  var scriptOrigin = current && current.src ? new URL(current.src, document.baseURI).origin : null;
  var SESSION_PATH = /^\\/checkout\\/cs_[0-9A-Za-z]+$/;

  function fail(message) { throw new Error('Flint.mount: ' + message); }

  function mount(target, options) {
    var element = typeof target === 'string' ? document.querySelector(target) : target;
    if (!element || element.nodeType !== 1) fail('no element ' + String(target));
    if (!options || typeof options.url !== 'string') fail('options.url (the checkout session\\'s url) is required');
    var src = new URL(options.url, document.baseURI);
    if ((src.protocol !== 'https:' && src.protocol !== 'http:') || !SESSION_PATH.test(src.pathname)) {
      fail('options.url is not a checkout session url: ' + options.url);
    }
    if (scriptOrigin && src.origin !== scriptOrigin) {
      fail('options.url (' + src.origin + ') is not on the Flint server this script came from (' + scriptOrigin + ')');
    }
    var flintOrigin = src.origin;
    var frame = document.createElement('iframe');
    frame.src = src.href;
    // The frame's pages read the parent's origin here where the browser does not say it.
    frame.name = 'flint-embed:' + window.location.origin;
    frame.title = options.title || 'Payment';
    frame.setAttribute('allow', 'payment');
    frame.style.display = 'block';
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.height = (typeof options.height === 'number' ? options.height : 640) + 'px';
    var completed = false;

    function onMessage(event) {
      if (event.origin !== flintOrigin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || typeof data !== 'object') return;
      if (data.type === 'flint:resize') {
        var height = Number(data.height);
        if (options.autoResize !== false && height > 0 && height < 100000) {
          frame.style.height = Math.ceil(height) + 'px';
        }
      } else if (data.type === 'flint:complete' && !completed) {
        completed = true;
        var returnUrl = typeof data.return_url === 'string' ? data.return_url : null;
        var detail = {
          checkoutSessionId: String(data.checkout_session_id),
          status: 'complete',
          returnUrl: returnUrl
        };
        if (typeof options.onComplete === 'function') options.onComplete(detail);
        if (options.followReturnUrl !== false && returnUrl && /^https?:\\/\\//.test(returnUrl)) {
          window.location.assign(returnUrl);
        }
      }
    }

    window.addEventListener('message', onMessage);
    element.appendChild(frame);
    return {
      iframe: frame,
      destroy: function () {
        window.removeEventListener('message', onMessage);
        if (frame.parentNode) frame.parentNode.removeChild(frame);
      }
    };
  }

  window.Flint = { version: 1, mount: mount };
})();
`;

const ETAG = `"${createHash('sha256').update(FLINT_JS).digest('base64url').slice(0, 27)}"`;

/**
 * GET /js/flint.js: the same bytes for every page, so cached by any browser and proxy for
 * five minutes, then revalidated by its ETag (a 304 when unchanged). Loadable by any
 * merchant's page (CORS, Cross-Origin-Resource-Policy), for SRI too.
 */
export function registerFlintScriptRoute(app: FastifyInstance): void {
  app.get('/js/flint.js', async (request, reply) => {
    reply.headers({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300, must-revalidate',
      etag: ETAG,
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const given = request.headers['if-none-match'];
    if (given?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === ETAG)) {
      return reply.code(304).send();
    }
    return reply.send(FLINT_JS);
  });
}

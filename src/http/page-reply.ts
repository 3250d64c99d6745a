import type { FastifyReply } from 'fastify';
import { newNonce, type PagePolicy, pageHeaders, simplePage } from '../pages/html.js';

/** Sends a page rendered under a fresh nonce, with the pages' security headers. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  render: (nonce: string) => string,
  policy: Omit<PagePolicy, 'nonce'> = {},
) {
  const nonce = newNonce();
  return reply
    .code(status)
    .headers(pageHeaders({ nonce, ...policy }))
    .send(render(nonce));
}

/** A small page that says one thing (not found, expired, not available…). */
export function sendMessagePage(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  policy: Omit<PagePolicy, 'nonce'> = {},
) {
  return sendPage(reply, status, (nonce) => simplePage(title, message, nonce), policy);
}

/**
 * What an async helper gives back once it has answered (an error page, a redirect):
 * `null`, never the reply. A Fastify reply is a thenable: an async function returning it
 * resolves, once the response is finished, to `undefined`, and the route then reads a
 * field of nothing after its reply went out.
 */
export function answered(_reply: FastifyReply): null {
  return null;
}

import type { FastifyReply } from 'fastify';
import type { CheckoutPage } from '../../../app/checkout/hosted-checkout.js';
import { renderClosedPage } from '../../../pages/checkout-page.js';
import { afterPaymentUrl } from '../../../pages/embedded-frame.js';
import type { PagePolicy } from '../../../pages/html.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';
import { sessionPagePolicy } from './embedded-checkout.js';

export function defaultEmail(page: CheckoutPage): string {
  return page.view.customer?.email ?? '';
}

export function seeOther(reply: FastifyReply, location: string) {
  return reply.header('cache-control', 'no-store').redirect(location, 303);
}

export function notFound(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    404,
    'Checkout not found',
    'This checkout link does not exist. Check the address, or ask the merchant for a new link.',
  );
}

/**
 * A paid hosted session goes on to the merchant's success URL; an expired one, or any
 * embedded one (its page tells the merchant's page it is paid), shows its page.
 */
export function afterClose(reply: FastifyReply, page: CheckoutPage) {
  const { session } = page.view;
  if (session.status === 'complete' && session.ui_mode === 'hosted') {
    return seeOther(reply, afterPaymentUrl(session));
  }
  return seeOther(reply, `/checkout/${session.id}`);
}

export function closed(reply: FastifyReply, page: CheckoutPage) {
  const status = page.view.session.status === 'expired' ? 410 : 200;
  return sendPage(reply, status, (nonce) => renderClosedPage(page, nonce), framingOf(page));
}

/** Who may frame the session's pages, its messages included (an embedded one's origins). */
export function framingOf(page: CheckoutPage): Pick<PagePolicy, 'frameAncestors'> {
  return { frameAncestors: sessionPagePolicy(page.view.session).frameAncestors };
}

/** A form without its CSRF token (or a tampered one): nothing happens; reload to retry. */
export function expiredForm(reply: FastifyReply, page: CheckoutPage) {
  const { session } = page.view;
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this checkout page. Nothing was charged. Reload the checkout page (/checkout/${session.id}) and try again.`,
    framingOf(page),
  );
}

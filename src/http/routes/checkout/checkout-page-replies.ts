import type { FastifyReply } from 'fastify';
import type { CheckoutPage } from '../../../app/checkout/hosted-checkout.js';
import { takesPayments } from '../../../app/processors/account-processors.js';
import { renderClosedPage, successUrl } from '../../../pages/checkout-page.js';
import { type Form, formText } from '../../form-fields.js';
import { sendMessagePage, sendPage } from '../../page-reply.js';

const MAX_FIELD = 256;

/** A form field of at most MAX_FIELD characters (see formText). */
export function field(form: Form, name: string): string | null {
  return formText(form, name, MAX_FIELD);
}

export function defaultEmail(page: CheckoutPage): string {
  return page.view.customer?.email ?? '';
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * Whether the page can take a card: live mode needs a real processor, Stripe its
 * publishable key. An order with nothing to pay needs no card, so nothing to set up.
 */
export function setUp(page: CheckoutPage): boolean {
  if (page.nothingToPay) return true;
  if (!takesPayments(page.tenant.mode, page.processor)) return false;
  return page.processor !== 'stripe' || page.stripePublishableKey !== null;
}

/** The merchant cannot take cards yet (live mode without a processor, Stripe without its key). */
export function notSetUp(reply: FastifyReply) {
  return sendMessagePage(
    reply,
    503,
    'Card payments are not available',
    'This merchant has not finished setting up card payments. Please contact them, or try again later.',
  );
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

/** A paid session goes on to the merchant's success URL; an expired one shows its page. */
export function afterClose(reply: FastifyReply, page: CheckoutPage) {
  const { session } = page.view;
  if (session.status === 'complete') {
    return seeOther(reply, successUrl(session.success_url, session.id));
  }
  return seeOther(reply, `/checkout/${session.id}`);
}

export function closed(reply: FastifyReply, page: CheckoutPage) {
  const status = page.view.session.status === 'expired' ? 410 : 200;
  return sendPage(reply, status, (nonce) => renderClosedPage(page, nonce));
}

/** A form without its CSRF token (or a tampered one): nothing happens; reload to retry. */
export function expiredForm(reply: FastifyReply, sessionId: string) {
  return sendMessagePage(
    reply,
    403,
    'Please try again',
    `This form has expired or was not sent from this checkout page. Nothing was charged. Reload the checkout page (/checkout/${sessionId}) and try again.`,
  );
}

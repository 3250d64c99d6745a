import type { FastifyInstance } from 'fastify';
import { changeSessionQuantity } from '../../../app/checkout/payment-link-quantity.js';
import { field, notSetUp, setUp } from './card-payment-steps.js';
import {
  afterClose,
  defaultEmail,
  expiredForm,
  framingOf,
  seeOther,
} from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';

const QUANTITY = /^[0-9]+$/;

/** A payment link's session whose buyer may change the quantity before paying. */
export function registerQuantityRoute(
  app: FastifyInstance,
  routes: CheckoutRoutes,
  pages: RateLimitedRoute,
): void {
  const { deps, pageOf, postedForm, form } = routes;
  app.post('/checkout/:session_id/quantity', { config: pages }, async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!posted) return reply;
    const { page, body } = posted;
    if (!setUp(page)) return notSetUp(reply, framingOf(page));
    const typed = field(body, 'quantity');
    if (typed === null) return expiredForm(reply, page);
    const text = typed.trim();
    const changed = QUANTITY.test(text)
      ? await changeSessionQuantity(deps, page, Number(text))
      : null;
    if (changed?.ok) return seeOther(reply, `/checkout/${page.view.session.id}`);
    // Refused: the page as it now stands (a payment may have started or closed it).
    const after = (await pageOf(request)) ?? page;
    if (after.view.session.status !== 'open') return afterClose(reply, after);
    if (after.waiting) return seeOther(reply, `/checkout/${page.view.session.id}`);
    const refused = changed?.error;
    const status = refused === undefined || refused.code === 'parameter_invalid' ? 422 : 409;
    return form(request, reply, after, status, {
      email: defaultEmail(after),
      errors: { quantity: refused?.message ?? 'Enter the quantity as a whole number.' },
      alert: 'The quantity was not changed.',
      quantity: text,
    });
  });
}

import type { FastifyInstance } from 'fastify';
import { payCheckoutSession } from '../../../app/checkout/hosted-checkout.js';
import { attemptOf, checkPaymentForm, field, notSetUp, setUp } from './card-payment-steps.js';
import { expiredForm, framingOf } from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';
import { saveSetupCard } from './checkout-setup-route.js';

/**
 * The checkout form posted: the card checked, then charged once per attempt (a setup
 * session's: saved once per attempt).
 */
export function registerPayRoute(
  app: FastifyInstance,
  routes: CheckoutRoutes,
  payments: RateLimitedRoute,
): void {
  const { deps, processors, sessionPageOf, postedForm, form, answer } = routes;
  app.post('/checkout/:session_id/pay', { config: payments }, async (request, reply) => {
    const found = await sessionPageOf(request);
    if (found?.kind === 'setup') return saveSetupCard(routes, { request, reply, page: found.page });
    const posted = await postedForm(request, reply, found?.page ?? null);
    if (!posted) return reply;
    const { page, body } = posted;
    if (!setUp(page)) return notSetUp(reply, framingOf(page));
    const attempt = attemptOf(body);
    if (!attempt) return expiredForm(reply, page);
    if (page.nothingToPay) {
      // Nothing to pay: completed with no card (any card fields sent along are ignored).
      const completed = await payCheckoutSession({ deps, processors }, { page, attempt });
      return answer(request, reply, completed, '');
    }
    const email = field(body, 'email');
    if (email === null) return expiredForm(reply, page);
    const checked = checkPaymentForm(page, { body, email, now: deps.clock.now() });
    if ('errors' in checked) return form(request, reply, page, 422, checked);
    const paid = await payCheckoutSession(
      { deps, processors },
      {
        page,
        attempt,
        card: { token: checked.token, email: email.trim() },
      },
    );
    return answer(request, reply, paid, email.trim());
  });
}

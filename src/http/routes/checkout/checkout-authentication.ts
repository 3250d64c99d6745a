import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateCheckoutPayment,
  type CheckoutPage,
  confirmBuyerAction,
} from '../../../app/checkout/hosted-checkout.js';
import { orderSummary } from '../../../pages/checkout-page.js';
import { embedFrameOf } from '../../../pages/embedded-frame.js';
import { buyerAnswerOf, sendAuthenticationStep } from './card-payment-steps.js';
import { defaultEmail, expiredForm } from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';
import { sessionPagePolicy } from './embedded-checkout.js';

/** 3-D Secure: the buyer's answer to the authentication step, posted from its page. */
export function registerAuthenticationRoute(
  app: FastifyInstance,
  routes: CheckoutRoutes,
  payments: RateLimitedRoute,
): void {
  const { deps, processors, postedForm, answer } = routes;
  app.post('/checkout/:session_id/authenticate', { config: payments }, async (request, reply) => {
    const posted = await postedForm(request, reply);
    if (!posted) return reply;
    const { page, body } = posted;
    const result = buyerAnswerOf(body);
    const email = page.waiting?.buyer_email ?? defaultEmail(page);
    if (result === 'stripe') {
      return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
    }
    if (!result) return expiredForm(reply, page);
    const answered = await authenticateCheckoutPayment({ deps, processors }, { page, result });
    return answer(request, reply, answered, email);
  });
}

/** The page of a payment waiting for the buyer's authentication (sandbox or Stripe's). */
export function authentication(
  routes: CheckoutRoutes,
  request: FastifyRequest,
  reply: FastifyReply,
  page: CheckoutPage,
): Promise<FastifyReply> {
  const { deps, processors, sessionCsrf, answer } = routes;
  const { session } = page.view;
  return sendAuthenticationStep(reply, {
    processors,
    page,
    csrfToken: sessionCsrf.tokenFor(request, reply, session),
    action: `/checkout/${session.id}/authenticate`,
    summary: orderSummary(page.view.order),
    policy: sessionPagePolicy(session),
    embed: embedFrameOf(session),
    // Nothing left for the buyer to do at Stripe: record where the payment stands.
    confirm: async () => {
      const email = page.waiting?.buyer_email ?? defaultEmail(page);
      return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
    },
  });
}

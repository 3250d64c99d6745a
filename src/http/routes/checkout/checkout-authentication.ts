import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateCheckoutPayment,
  buyerActionOf,
  type CheckoutPage,
  confirmBuyerAction,
} from '../../../app/checkout/hosted-checkout.js';
import { renderAuthenticationPage } from '../../../pages/authentication-page.js';
import { sendPage } from '../../page-reply.js';
import { defaultEmail, expiredForm, field, originOf } from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';

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
    const sessionId = page.view.session.id;
    const result = field(body, 'result');
    const email = page.waiting?.buyer_email ?? defaultEmail(page);
    if (result === 'stripe') {
      return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
    }
    if (result !== 'succeed' && result !== 'fail') return expiredForm(reply, sessionId);
    const answered = await authenticateCheckoutPayment({ deps, processors }, { page, result });
    return answer(request, reply, answered, email);
  });
}

/** The page of a payment waiting for the buyer's authentication (sandbox or Stripe's). */
export async function authentication(
  routes: CheckoutRoutes,
  request: FastifyRequest,
  reply: FastifyReply,
  page: CheckoutPage,
) {
  const { deps, processors, csrf, answer } = routes;
  const csrfToken = csrf.issue(request, reply, page.view.session.id);
  const formTargets = [originOf(page.view.session.success_url)];
  if (page.waiting?.processor !== 'stripe') {
    return sendPage(reply, 200, (nonce) => renderAuthenticationPage({ page, nonce, csrfToken }), {
      formTargets,
    });
  }
  const action = await buyerActionOf(processors, page);
  const publishableKey = page.stripePublishableKey;
  if (!action || !publishableKey) {
    // Nothing left for the buyer to do at Stripe: record where the payment stands.
    const email = page.waiting.buyer_email ?? defaultEmail(page);
    return answer(request, reply, await confirmBuyerAction(deps, processors, page), email);
  }
  return sendPage(
    reply,
    200,
    (nonce) =>
      renderAuthenticationPage({
        page,
        nonce,
        csrfToken,
        stripe: { publishableKey, clientSecret: action.clientSecret },
      }),
    { formTargets, stripe: true },
  );
}

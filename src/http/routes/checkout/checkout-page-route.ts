import type { FastifyInstance } from 'fastify';
import { notSetUp, setUp } from './card-payment-steps.js';
import { authentication } from './checkout-authentication.js';
import { closed, defaultEmail, framingOf, notFound } from './checkout-page-replies.js';
import type { CheckoutRoutes, RateLimitedRoute } from './checkout-routes-context.js';
import { showSetupPage } from './checkout-setup-route.js';

/**
 * The session's page: the checkout form, its 3-D Secure step, or how it closed (a setup
 * session's: its own card form).
 */
export function registerCheckoutPageRoute(
  app: FastifyInstance,
  routes: CheckoutRoutes,
  pages: RateLimitedRoute,
): void {
  const { sessionPageOf, form } = routes;
  app.get('/checkout/:session_id', { config: pages }, async (request, reply) => {
    const found = await sessionPageOf(request);
    if (!found) return notFound(reply);
    if (found.kind === 'setup') return showSetupPage(routes, { request, reply, page: found.page });
    const { page } = found;
    if (page.view.session.status !== 'open') return closed(reply, page);
    if (page.waiting) return authentication(routes, request, reply, page);
    if (!setUp(page)) return notSetUp(reply, framingOf(page));
    return form(request, reply, page, 200, { email: defaultEmail(page), errors: {} });
  });
}

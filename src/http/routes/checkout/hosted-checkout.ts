import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../app/shared/deps.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { registerAuthenticationRoute } from './checkout-authentication.js';
import { registerCheckoutPageRoute } from './checkout-page-route.js';
import { registerPayRoute } from './checkout-pay-route.js';
import { registerQuantityRoute } from './checkout-quantity-route.js';
import { checkoutRoutes } from './checkout-routes-context.js';
import { registerFlintScriptRoute } from './flint-js.js';
import { type PageRateLimits, registerPublicPageScope } from './public-page-scope.js';

export type { PageRateLimits } from './public-page-scope.js';

export interface HostedCheckoutOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

/**
 * The hosted checkout page at each session's `url`: no API key (the session id is the
 * capability), HTML in and out, CSRF-checked forms, rate-limited; embedded sessions'
 * pages framed by /js/flint.js.
 */
export async function registerHostedCheckoutRoutes(
  server: FastifyInstance,
  options: HostedCheckoutOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const routes = checkoutRoutes(deps, processors, csrf);
  // What a merchant's page loads to frame an embedded session.
  registerFlintScriptRoute(server);
  await registerPublicPageScope(server, options.rateLimits, (app, { pages, payments }) => {
    registerCheckoutPageRoute(app, routes, pages);
    registerPayRoute(app, routes, payments);
    registerQuantityRoute(app, routes, pages);
    registerAuthenticationRoute(app, routes, payments);
  });
}

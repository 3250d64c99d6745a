import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../app/shared/deps.js';
import type { Processors } from '../../../ports/payment-processor.js';
import type { Csrf } from '../../csrf.js';
import { ApiError, toApiError } from '../../errors.js';
import { sendMessagePage } from '../../page-reply.js';
import { registerServerTiming } from '../../server-timing.js';
import { registerAuthenticationRoute } from './checkout-authentication.js';
import { registerCheckoutPageRoute } from './checkout-page-route.js';
import { registerPayRoute } from './checkout-pay-route.js';
import { registerQuantityRoute } from './checkout-quantity-route.js';
import { checkoutRoutes } from './checkout-routes-context.js';

/** Per address, per minute: page views, and payment attempts (card testing is the threat). */
export interface PageRateLimits {
  readonly pages: number;
  readonly payments: number;
}
export const DEFAULT_PAGE_RATE_LIMITS: PageRateLimits = { pages: 120, payments: 30 };
const WINDOW_MS = 60_000;

export interface HostedCheckoutOptions {
  readonly deps: Deps;
  readonly processors: Processors;
  readonly csrf: Csrf;
  readonly rateLimits?: PageRateLimits | undefined;
}

/**
 * The hosted checkout page at each session's `url`: no API key (the session id is the
 * capability), HTML in and out, CSRF-checked forms, rate-limited.
 */
export async function registerHostedCheckoutRoutes(
  server: FastifyInstance,
  options: HostedCheckoutOptions,
): Promise<void> {
  const { deps, processors, csrf } = options;
  const routes = checkoutRoutes(deps, processors, csrf);
  const limits = options.rateLimits ?? DEFAULT_PAGE_RATE_LIMITS;
  await server.register(async (app) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 16 * 1024 });
    await app.register(rateLimit, {
      global: false,
      keyGenerator: (request) => request.ip,
    });
    registerServerTiming(app);
    app.setErrorHandler((error, request, reply) => {
      const status = pageErrorStatus(error);
      if (status >= 500) request.log.error({ err: error }, 'page request failed');
      const message =
        status === 429
          ? 'Too many attempts. Wait a minute, then try again.'
          : status >= 500
            ? 'Something went wrong on our side. Nothing was charged by this request; please try again.'
            : 'This request could not be read. Go back and try again.';
      return sendMessagePage(reply, status, 'Something went wrong', message);
    });

    const pages = { rateLimit: { max: limits.pages, timeWindow: WINDOW_MS } };
    const payments = { rateLimit: { max: limits.payments, timeWindow: WINDOW_MS } };
    registerCheckoutPageRoute(app, routes, pages);
    registerPayRoute(app, routes, payments);
    registerQuantityRoute(app, routes, pages);
    registerAuthenticationRoute(app, routes, payments);
  });
}

/** A client error keeps its status (413, 415, 429…); anything else is what the API would say. */
function pageErrorStatus(error: unknown): number {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (!(error instanceof ApiError) && typeof status === 'number' && status >= 400 && status < 500) {
    return status;
  }
  return toApiError(error).status;
}

import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError, toApiError } from '../../errors.js';
import { sendMessagePage } from '../../page-reply.js';
import { registerServerTiming } from '../../server-timing.js';
import type { RateLimitedRoute } from './checkout-routes-context.js';

/** Per address, per minute: page views, and payment attempts (card testing is the threat). */
export interface PageRateLimits {
  readonly pages: number;
  readonly payments: number;
}
export const DEFAULT_PAGE_RATE_LIMITS: PageRateLimits = { pages: 120, payments: 30 };
const WINDOW_MS = 60_000;

/** The route options of the two limits: a page view's, and a payment attempt's. */
export interface PageRouteLimits {
  readonly pages: RateLimitedRoute;
  readonly payments: RateLimitedRoute;
}

/**
 * The scope of a public page that takes payment (checkout, the hosted invoice page): no
 * API key, cookies (CSRF), small url-encoded forms, per-address rate limits, Server-Timing,
 * and every error answered as an HTML page (never a stack, never JSON).
 */
export async function registerPublicPageScope(
  server: FastifyInstance,
  limits: PageRateLimits | undefined,
  register: (app: FastifyInstance, routeLimits: PageRouteLimits) => void,
): Promise<void> {
  const { pages, payments } = limits ?? DEFAULT_PAGE_RATE_LIMITS;
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
    register(app, {
      pages: { rateLimit: { max: pages, timeWindow: WINDOW_MS } },
      payments: { rateLimit: { max: payments, timeWindow: WINDOW_MS } },
    });
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

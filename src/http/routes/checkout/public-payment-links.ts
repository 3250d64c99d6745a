import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { visitPaymentLink } from '../../../app/checkout/payment-links.js';
import type { Deps } from '../../../app/shared/deps.js';
import { idPattern } from '../../../app/shared/ids.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { checkoutSessionResource } from '../../../resources/checkout-session.js';
import { paymentLinkUrl } from '../../../resources/payment-link.js';
import { ApiError } from '../../errors.js';
import { sendMessagePage } from '../../page-reply.js';
import { registerServerTiming } from '../../server-timing.js';
import { notSetUp } from './card-payment-steps.js';
import { baseUrl } from './checkout-sessions.js';

/** Every visit makes an order: a browser's worth per minute, per address. */
export const PUBLIC_LINK_RATE_LIMIT = { max: 60, timeWindowMs: 60_000 } as const;

const LINK_ID = new RegExp(idPattern('plink'));
const QUANTITY = /^[1-9][0-9]{0,5}$/;

/**
 * The public side of payment links: no API key, the link's id is the capability. A
 * browser URL, not an API request: its query may carry anything a marketer appends
 * (utm_…), so only `quantity` is read and nothing else is refused.
 */
export async function registerPublicPaymentLinkRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): Promise<void> {
  await server.register(async (app) => {
    registerServerTiming(app);
    await app.register(rateLimit, {
      max: PUBLIC_LINK_RATE_LIMIT.max,
      timeWindow: PUBLIC_LINK_RATE_LIMIT.timeWindowMs,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new ApiError('rate_limited', 'Too many requests; retry after the Retry-After interval', {
          details: { retry_after: Math.max(1, Math.ceil(context.ttl / 1000)) },
        }),
    });

    app.get('/pay/:payment_link_id', async (request, reply) => {
      const { payment_link_id: id } = request.params as { payment_link_id: string };
      if (!LINK_ID.test(id)) return notFound(reply);
      const raw = (request.query as Record<string, unknown>).quantity;
      if (raw !== undefined && (typeof raw !== 'string' || !QUANTITY.test(raw))) {
        return sendMessagePage(
          reply,
          400,
          'Invalid quantity',
          'The quantity must be a whole number.',
        );
      }
      const base = baseUrl(deps, request);
      const linkUrl = paymentLinkUrl(base, id);
      const visit = await visitPaymentLink(
        { deps, processors },
        {
          linkId: id,
          quantity: raw === undefined ? undefined : Number(raw),
          urls: { success_url: `${linkUrl}/complete` },
        },
      );
      switch (visit.kind) {
        case 'unknown':
          return notFound(reply);
        case 'inactive':
          return sendMessagePage(
            reply,
            410,
            'Link no longer active',
            'This payment link is no longer active.',
          );
        case 'quantity_invalid':
          return sendMessagePage(reply, 400, 'Invalid quantity', visit.message);
        case 'unavailable':
          return sendMessagePage(
            reply,
            409,
            'Not available',
            'This payment link cannot be used right now. Please contact the seller.',
          );
        case 'not_set_up':
          return notSetUp(reply);
        case 'session': {
          const session = checkoutSessionResource(visit.view, base);
          return reply.code(303).header('cache-control', 'no-store').redirect(session.url, 303);
        }
      }
    });

    // Where the buyer lands after paying when the link names no redirect_url.
    app.get('/pay/:payment_link_id/complete', async (_request, reply) =>
      sendMessagePage(reply, 200, 'Payment received', 'Thank you. Your payment was received.'),
    );
  });
}

function notFound(reply: FastifyReply) {
  return sendMessagePage(reply, 404, 'Link not found', 'This payment link does not exist.');
}

import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { advanceInvoiceSchedule } from '../../../app/invoices/invoice-jobs.js';
import type { Deps } from '../../../app/shared/deps.js';
import { invoiceResource } from '../../../resources/invoice.js';
import { requireTestMode } from '../../auth.js';
import { IdempotencyKey, Timestamp } from '../../schemas.js';
import { onBaseUrl } from '../checkout/checkout-sessions.js';
import { resourceRoutes } from '../resource-routes.js';
import { Invoice } from './invoice-schemas.js';

const AdvanceBody = Type.Object(
  {
    until: Type.Optional(Timestamp),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);

/** Test mode: an invoice's scheduled mail and overdue mark, now rather than days from now. */
export function registerInvoiceTestHelperRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'invoice',
    path: '/v1/test_helpers/invoices',
    idPrefix: 'inv',
    tags: ['Test helpers'],
    schema: Invoice,
    serialize: onBaseUrl(invoiceResource),
  });
  routes.action('advance', {
    summary: "Run an invoice's scheduled reminders and overdue mark now (test mode)",
    description:
      'As if the time had come: every reminder step and the overdue mark scheduled up to ' +
      '`until` (all of them when absent) runs now, each still once (`invoice.overdue`, ' +
      'the reminders in GET /v1/test_helpers/emails). A live key gets 403 test_mode_only.',
    body: AdvanceBody,
    run: (ctx, id, body) => {
      requireTestMode(ctx.caller);
      const until = (body as { until?: string }).until;
      return advanceInvoiceSchedule(ctx, { id, until: until ? new Date(until) : undefined });
    },
  });
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { RefundAggregate } from '../../../adapters/db/repos/refunds-repo.js';
import { cancelRefund } from '../../../app/refunds/cancel-refund.js';
import { createRefund } from '../../../app/refunds/create-refund.js';
import { previewRefund } from '../../../app/refunds/plan-refund.js';
import { settleRefundForTest } from '../../../app/refunds/refund-outcomes.js';
import {
  getRefund,
  listRefunds,
  updateRefundDetails,
} from '../../../app/refunds/refund-queries.js';
import type { Deps } from '../../../app/shared/deps.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { refundResource } from '../../../resources/refund.js';
import { callerOf, commandContextOf, requireTestMode } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { answerOnce, type RouteAnswer, sendAnswer } from '../../idempotency.js';
import { ActionBody, ErrorResponses, Id } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';
import {
  CreateRefundBody,
  Preview,
  Refund,
  RefundParams,
  RefundResponse,
  RefundStatus,
  UpdateRefundBody,
} from './refund-schemas.js';

const tags = ['Refunds'];

export function registerRefundRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/refunds',
    {
      schema: {
        tags,
        summary: 'Refund an order or one of its payment intents',
        body: CreateRefundBody,
        response: { 200: RefundResponse, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const respond = (refund: RefundAggregate): RouteAnswer => ({
        status: 200,
        body: { refund: refundResource(refund) },
      });
      const refund = unwrap(
        await createRefund(
          { ...commandContextOf(request, deps), processors },
          request.body.refund,
          {
            answer: answerOnce(request, reply, respond),
          },
        ),
      );
      return sendAnswer(request, reply, () => respond(refund));
    },
  );

  app.post(
    '/v1/refunds/preview',
    {
      schema: {
        tags,
        summary: 'The refund that POST /v1/refunds would create; creates nothing',
        body: CreateRefundBody,
        response: { 200: Preview, ...ErrorResponses },
      },
    },
    async (request) => {
      const plan = unwrap(
        await previewRefund(commandContextOf(request, deps), request.body.refund),
      );
      return {
        refund_preview: {
          object: 'refund_preview' as const,
          order_id: plan.orderId,
          amount: plan.amount,
          amount_tax: plan.itemized?.tax ?? 0,
          amount_shipping: plan.itemized?.shipping ?? 0,
          amount_discount: plan.itemized?.discount ?? 0,
          line_items: (plan.itemized?.lines ?? []).map((line) => ({
            line_item_id: line.lineId,
            amount: line.amount,
            amount_tax: line.tax,
          })),
          items: plan.parts.map((p) => ({
            payment_intent: p.paymentIntentId,
            amount_refunded: p.amount,
          })),
          remaining_refundable: plan.remaining,
        },
      };
    },
  );

  const refunds = resourceRoutes(server, deps, {
    path: '/v1/refunds',
    key: 'refund',
    listKey: 'refunds',
    idParam: 'refund_id',
    idPrefix: 're',
    tags,
    schema: Refund,
    serialize: refundResource,
  });
  refunds.get({
    summary: 'Retrieve a refund',
    run: ({ deps, caller }, id) => getRefund(deps, caller, id),
  });
  refunds.list({
    summary: 'List refunds, newest first',
    filters: {
      payment_intent: Type.Optional(Id('pi')),
      checkout_session: Type.Optional(Id('cs')),
      order: Type.Optional(Id('ord')),
      status: Type.Optional(RefundStatus),
    },
    run: ({ deps, caller }, q, page) =>
      listRefunds(
        deps,
        caller,
        {
          paymentIntentId: q.payment_intent,
          checkoutSessionId: q.checkout_session,
          orderId: q.order,
          status: q.status,
        },
        page,
      ),
  });
  refunds.update({
    summary: 'Update reason and metadata (never amount or status)',
    body: UpdateRefundBody,
    run: (ctx, id, body) => updateRefundDetails(ctx, { refundId: id, changes: body.refund }),
  });
  refunds.action('cancel', {
    summary: 'Cancel a pending refund',
    body: ActionBody,
    run: (ctx, id) => cancelRefund({ ...ctx, processors }, { refundId: id }),
  });

  for (const result of ['succeed', 'fail'] as const) {
    app.post(
      `/v1/test_helpers/refunds/:refund_id/${result}`,
      {
        schema: {
          tags: ['Test helpers'],
          summary: `Test mode: make a pending refund ${result === 'succeed' ? 'succeed' : 'fail'}`,
          params: RefundParams,
          body: ActionBody,
          response: { 200: RefundResponse, ...ErrorResponses },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        requireTestMode(caller);
        return {
          refund: refundResource(
            unwrap(
              await settleRefundForTest(
                { deps, tenant: caller },
                { refundId: request.params.refund_id, result },
              ),
            ),
          ),
        };
      },
    );
  }
}

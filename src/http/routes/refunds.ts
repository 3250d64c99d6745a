import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../app/deps.js';
import { cancelRefund, settleRefundForTest } from '../../app/refund-outcomes.js';
import { getRefund, listRefunds, updateRefundDetails } from '../../app/refund-queries.js';
import { createRefund, previewRefund } from '../../app/refunds.js';
import { MAX_AMOUNT } from '../../domain/money.js';
import type { Processors } from '../../ports/payment-processor.js';
import { refundResource } from '../../resources/refund.js';
import { actorOf, callerOf } from '../auth.js';
import { ApiError, unwrap } from '../errors.js';
import { listBody, pageRequestOf } from '../pagination.js';
import {
  ActionBody,
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  Metadata,
  Nullable,
  RootBody,
  Timestamp,
} from '../schemas.js';

const Reason = Type.Union([
  Type.Literal('duplicate'),
  Type.Literal('fraudulent'),
  Type.Literal('requested_by_customer'),
]);
const RefundStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('requires_action'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('canceled'),
]);
const ReferenceFields = {
  reference_id: Nullable(Type.String()),
  reference_type: Type.String(),
  reference_status: Type.String(),
};
export const Refund = Type.Object({
  refund_id: Type.String(),
  object: Type.Literal('refund'),
  payment_intent_id: Type.String(),
  amount: Type.Integer(),
  status: Type.String(),
  reason: Nullable(Type.String()),
  created_at: Timestamp,
  test_mode: Type.Boolean(),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ReferenceFields,
  items: Type.Array(
    Type.Object({
      amount_refunded: Type.Integer(),
      payment_intent: Type.String(),
      status: Type.String(),
      ...ReferenceFields,
    }),
  ),
  order_id: Type.String(),
  checkout_session_id: Nullable(Type.String()),
  currency: Type.String(),
  amount_tax: Type.Integer(),
  amount_shipping: Type.Integer(),
  amount_discount: Type.Integer(),
  line_items: Type.Array(
    Type.Object({
      line_item_id: Type.String(),
      amount: Type.Integer(),
      amount_tax: Type.Integer(),
    }),
  ),
  failure_reason: Nullable(Type.String()),
  next_actions: Type.Array(Type.Object({ action: Type.String(), description: Type.String() })),
  updated_at: Timestamp,
});

const RefundFields = Type.Object(
  {
    order_id: Type.Optional(Id('ord')),
    payment_intent_id: Type.Optional(Id('pi')),
    amount: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_AMOUNT,
        description: 'Minor units; all that is left when omitted',
      }),
    ),
    reason: Type.Optional(Nullable(Reason)),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
const CreateRefundBody = RootBody('refund', RefundFields);
const UpdateRefundBody = RootBody(
  'refund',
  Type.Object(
    { reason: Type.Optional(Nullable(Reason)), metadata: Type.Optional(Metadata) },
    { additionalProperties: false },
  ),
);
const RefundParams = Type.Object({ refund_id: Id('re') }, { additionalProperties: false });
const RefundResponse = Type.Object({ refund: Refund });
const Preview = Type.Object({
  refund_preview: Type.Object({
    object: Type.Literal('refund_preview'),
    order_id: Type.String(),
    amount: Type.Integer(),
    items: Type.Array(
      Type.Object({ payment_intent: Type.String(), amount_refunded: Type.Integer() }),
    ),
    remaining_refundable: Type.Integer(),
  }),
});
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
    async (request) => {
      const refund = unwrap(
        await createRefund(
          deps,
          processors,
          callerOf(request),
          actorOf(request),
          request.body.refund,
        ),
      );
      return { refund: refundResource(refund) };
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
      const plan = unwrap(await previewRefund(deps, callerOf(request), request.body.refund));
      return {
        refund_preview: {
          object: 'refund_preview' as const,
          order_id: plan.orderId,
          amount: plan.amount,
          items: plan.parts.map((p) => ({
            payment_intent: p.paymentIntentId,
            amount_refunded: p.amount,
          })),
          remaining_refundable: plan.remaining,
        },
      };
    },
  );

  app.get(
    '/v1/refunds/:refund_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a refund',
        params: RefundParams,
        response: { 200: RefundResponse, ...ErrorResponses },
      },
    },
    async (request) => ({
      refund: refundResource(
        unwrap(await getRefund(deps, callerOf(request), request.params.refund_id)),
      ),
    }),
  );

  app.get(
    '/v1/refunds',
    {
      schema: {
        tags,
        summary: 'List refunds, newest first',
        querystring: ListQuery('re', {
          payment_intent: Type.Optional(Id('pi')),
          checkout_session: Type.Optional(Id('cs')),
          order: Type.Optional(Id('ord')),
          status: Type.Optional(RefundStatus),
        }),
        response: { 200: ListResponse('refunds', Refund), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listRefunds(
        deps,
        callerOf(request),
        {
          paymentIntentId: q.payment_intent,
          checkoutSessionId: q.checkout_session,
          orderId: q.order,
          status: q.status,
        },
        pageRequestOf(q),
      );
      return listBody('refunds', page, refundResource);
    },
  );

  app.patch(
    '/v1/refunds/:refund_id',
    {
      schema: {
        tags,
        summary: 'Update reason and metadata (never amount or status)',
        params: RefundParams,
        body: UpdateRefundBody,
        response: { 200: RefundResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const refund = unwrap(
        await updateRefundDetails(
          deps,
          callerOf(request),
          actorOf(request),
          request.params.refund_id,
          request.body.refund,
        ),
      );
      return { refund: refundResource(refund) };
    },
  );

  app.post(
    '/v1/refunds/:refund_id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a pending refund',
        params: RefundParams,
        body: ActionBody,
        response: { 200: RefundResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const refund = unwrap(
        await cancelRefund(
          deps,
          processors,
          callerOf(request),
          actorOf(request),
          request.params.refund_id,
        ),
      );
      return { refund: refundResource(refund) };
    },
  );

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
        if (caller.mode !== 'test') {
          throw new ApiError(
            403,
            'forbidden',
            'Test helpers work only with a test key',
            'test_mode_only',
          );
        }
        return {
          refund: refundResource(
            unwrap(await settleRefundForTest(deps, caller, request.params.refund_id, result)),
          ),
        };
      },
    );
  }
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { refundCheckoutSession } from '../../../app/checkout/checkout-session-refunds.js';
import {
  createCheckoutSession,
  expireCheckoutSession,
  getCheckoutSession,
  listCheckoutSessions,
} from '../../../app/checkout/checkout-sessions.js';
import type { Deps } from '../../../app/shared/deps.js';
import { metadataAsText } from '../../../domain/metadata.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { checkoutSessionResource } from '../../../resources/checkout-session.js';
import { actorOf, callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
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
} from '../../schemas.js';
import { LineItems, Order } from '../orders/order-schemas.js';
import { CheckoutSessionRefundBody, Refund } from '../refunds/refund-schemas.js';

const Url = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
export const CheckoutSession = Type.Object({
  checkout_session_id: Type.String(),
  object: Type.Literal('checkout_session'),
  status: Type.String(),
  amount_total: Type.Integer(),
  amount_subtotal: Type.Integer(),
  currency: Type.String(),
  customer: Nullable(
    Type.Object({
      customer_id: Type.String(),
      email: Nullable(Type.String()),
      name: Nullable(Type.String()),
    }),
  ),
  payment_intent: Nullable(
    Type.Object({
      payment_intent_id: Type.String(),
      amount: Type.Integer(),
      amount_received: Type.Integer(),
      status: Type.String(),
    }),
  ),
  payment_intent_id: Nullable(Type.String()),
  latest_charge: Nullable(Type.String()),
  line_items: Order.properties.line_items,
  refunds: Type.Array(Refund),
  order_id: Type.String(),
  url: Type.String(),
  success_url: Type.String(),
  cancel_url: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  expires_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});
const CreateBody = RootBody(
  'checkout_session',
  Type.Object(
    {
      order_id: Type.Optional(Id('ord')),
      line_items: Type.Optional(LineItems),
      currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
      customer_id: Type.Optional(Id('cus')),
      success_url: Url,
      cancel_url: Type.Optional(Url),
      expires_at: Type.Optional(Timestamp),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description: 'From an existing order_id, or line_items (which create the order)',
    },
  ),
);
const Params = Type.Object({ checkout_session_id: Id('cs') }, { additionalProperties: false });
const Response = Type.Object({ checkout_session: CheckoutSession });
const tags = ['Checkout sessions'];

/**
 * What hosted pages and links are built on: `FLINT_PUBLIC_URL` when set (every process
 * answers alike, and events carry the same URL), else the address the API was called at.
 */
export function baseUrl(deps: Pick<Deps, 'publicUrl'>, request: FastifyRequest): string {
  return deps.publicUrl ?? `${request.protocol}://${request.host}`;
}

export function registerCheckoutSessionRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/checkout/sessions',
    {
      schema: {
        tags,
        summary: 'Create a hosted checkout session for an order',
        body: CreateBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const view = unwrap(
        await createCheckoutSession(
          deps,
          callerOf(request),
          actorOf(request),
          request.body.checkout_session,
        ),
      );
      return { checkout_session: checkoutSessionResource(view, baseUrl(deps, request)) };
    },
  );

  app.get(
    '/v1/checkout/sessions/:checkout_session_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a checkout session',
        params: Params,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const view = unwrap(
        await getCheckoutSession(deps, callerOf(request), request.params.checkout_session_id),
      );
      return { checkout_session: checkoutSessionResource(view, baseUrl(deps, request)) };
    },
  );

  app.get(
    '/v1/checkout/sessions',
    {
      schema: {
        tags,
        summary: 'List checkout sessions, newest first',
        querystring: ListQuery('cs', {
          order: Type.Optional(Id('ord')),
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('complete'), Type.Literal('expired')]),
          ),
        }),
        response: { 200: ListResponse('checkout_sessions', CheckoutSession), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listCheckoutSessions(
        deps,
        callerOf(request),
        { orderId: q.order, status: q.status },
        pageRequestOf(q),
      );
      return listBody('checkout_sessions', page, (view) =>
        checkoutSessionResource(view, baseUrl(deps, request)),
      );
    },
  );

  app.post(
    '/v1/checkout/sessions/:checkout_session_id/expire',
    {
      schema: {
        tags,
        summary: 'Expire an open checkout session',
        params: Params,
        body: ActionBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const view = unwrap(
        await expireCheckoutSession(
          deps,
          callerOf(request),
          actorOf(request),
          request.params.checkout_session_id,
        ),
      );
      return { checkout_session: checkoutSessionResource(view, baseUrl(deps, request)) };
    },
  );

  app.post(
    '/v1/checkout/sessions/:checkout_session_id/refund',
    {
      schema: {
        tags,
        summary: 'Refund a complete checkout session: by line items, an amount, or in full',
        description:
          "The refund guide's primary endpoint. Refund total = Σ line amounts + amount_tax + amount_shipping − amount_discount; tax is computed in proportion when not given. An empty `checkout_session` refunds everything left. Answers the session with its refunds.",
        params: Params,
        body: CheckoutSessionRefundBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const { refund_metadata, ...fields } = request.body.checkout_session;
      const view = unwrap(
        await refundCheckoutSession(
          deps,
          processors,
          callerOf(request),
          actorOf(request),
          request.params.checkout_session_id,
          {
            ...fields,
            refund_metadata: refund_metadata && metadataAsText(refund_metadata),
          },
          request.idempotencyClaim?.key ?? null,
        ),
      );
      return { checkout_session: checkoutSessionResource(view, baseUrl(deps, request)) };
    },
  );
}

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
import { CHECKOUT_UI_MODES, MAX_ALLOWED_ORIGINS } from '../../../domain/embedded-pay.js';
import { metadataAsText } from '../../../domain/metadata.js';
import { CHECKOUT_SESSION_MODES, CHECKOUT_SESSION_STATUSES } from '../../../domain/value-lists.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { checkoutSessionResource } from '../../../resources/checkout-session.js';
import { ActionBody, Id, literalUnion, MetadataBody, Nullable, Timestamp } from '../../schemas.js';
import { LineItems, Order } from '../orders/order-schemas.js';
import { CheckoutSessionRefundBody, Refund } from '../refunds/refund-schemas.js';
import { ofCaller, type RouteContext, resourceRoutes } from '../resource-routes.js';

const Url = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
export const CheckoutSession = Type.Object({
  checkout_session_id: Type.String(),
  object: Type.Literal('checkout_session'),
  mode: literalUnion(CHECKOUT_SESSION_MODES, {
    description:
      "`payment`: pays its order. `setup`: saves its customer's card (no order, no amount)",
  }),
  status: Type.String(),
  amount_total: Nullable(Type.Integer({ description: 'Null in setup mode' })),
  amount_subtotal: Nullable(Type.Integer()),
  currency: Nullable(Type.String()),
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
  payment_method_id: Nullable(
    Type.String({
      description: "Setup mode, once complete: the card saved (the customer's default now)",
    }),
  ),
  line_items: Order.properties.line_items,
  refunds: Type.Array(Refund),
  order_id: Nullable(Type.String({ description: 'Null in setup mode' })),
  url: Type.String(),
  success_url: Nullable(
    Type.String({ description: 'Hosted sessions: where the buyer goes once paid' }),
  ),
  cancel_url: Nullable(Type.String()),
  ui_mode: literalUnion(CHECKOUT_UI_MODES),
  allowed_origins: Type.Array(Type.String(), {
    description:
      'Embedded sessions: the origins whose pages may frame the session (frame-ancestors)',
  }),
  return_url: Nullable(
    Type.String({ description: "Embedded sessions: where the merchant's page goes once paid" }),
  ),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  expires_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});
const CreateBody = MetadataBody(
  'checkout_session',
  {
    mode: Type.Optional(
      literalUnion(CHECKOUT_SESSION_MODES, {
        description:
          '`payment` (default): pays an order. `setup`: a page where `customer_id` saves a card as its default payment method; no order_id, line_items or currency',
      }),
    ),
    order_id: Type.Optional(Id('ord')),
    line_items: Type.Optional(LineItems),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    customer_id: Type.Optional(Id('cus')),
    success_url: Type.Optional(Url),
    cancel_url: Type.Optional(Url),
    ui_mode: Type.Optional(
      literalUnion(CHECKOUT_UI_MODES, {
        description:
          '`hosted` (default): its own page at `url`, then `success_url`. `embedded`: mounted in your page with /js/flint.js, framed only by `allowed_origins`, then `return_url`',
      }),
    ),
    allowed_origins: Type.Optional(
      Type.Array(Type.String({ maxLength: 2048 }), {
        maxItems: MAX_ALLOWED_ORIGINS,
        description:
          'Embedded only (required): 1 to 10 origins (scheme, host and port, like https://shop.example) whose pages may frame the session; https only in live mode, except localhost',
      }),
    ),
    return_url: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        pattern: '^https?://',
        description:
          "Embedded only (required): where the merchant's page goes once paid (`session_id` is added)",
      }),
    ),
    expires_at: Type.Optional(Timestamp),
  },
  'From an existing order_id, or line_items (which create the order). A hosted session needs success_url; an embedded one allowed_origins and return_url instead. In setup mode: customer_id and success_url (hosted only).',
);
const tags = ['Checkout sessions'];

/**
 * What hosted pages and links are built on: `FLINT_PUBLIC_URL` when set (every process
 * answers alike, and events carry the same URL), else the address the API was called at.
 */
export function baseUrl(deps: Pick<Deps, 'publicUrl'>, request: FastifyRequest): string {
  return deps.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** A serializer that takes the base URL, as a resource route's `serialize`. */
export function onBaseUrl<R, T>(serialize: (row: R, base: string) => T) {
  return (row: R, { deps, request }: RouteContext): T => serialize(row, baseUrl(deps, request));
}

export function registerCheckoutSessionRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const routes = resourceRoutes(server, deps, {
    path: '/v1/checkout/sessions',
    key: 'checkout_session',
    idPrefix: 'cs',
    tags,
    schema: CheckoutSession,
    serialize: onBaseUrl(checkoutSessionResource),
  });
  routes.create({
    summary:
      "Create a checkout session for an order (hosted, or embedded in your page), or in setup mode to save a customer's card",
    body: CreateBody,
    run: (ctx, body) => createCheckoutSession(ctx, body.checkout_session),
  });
  routes.get({ summary: 'Retrieve a checkout session', run: ofCaller(getCheckoutSession) });
  routes.list({
    summary: 'List checkout sessions, newest first',
    filters: {
      order: Type.Optional(Id('ord')),
      status: Type.Optional(literalUnion(CHECKOUT_SESSION_STATUSES)),
    },
    run: (ctx, { order, status }, page) =>
      listCheckoutSessions(ctx, { filter: { orderId: order, status }, page }),
  });
  routes.action('expire', {
    summary: 'Expire an open checkout session',
    body: ActionBody,
    run: (ctx, id) => expireCheckoutSession(ctx, { sessionId: id }),
  });
  routes.action('refund', {
    summary: 'Refund a complete checkout session: by line items, an amount, or in full',
    description:
      "The refund guide's primary endpoint. Refund total = Σ line amounts + amount_tax + amount_shipping − amount_discount; tax is computed in proportion when not given. An empty `checkout_session` refunds everything left. Answers the session with its refunds.",
    body: CheckoutSessionRefundBody,
    run: (ctx, id, body) => {
      const { refund_metadata, ...fields } = body.checkout_session;
      const input = {
        ...fields,
        refund_metadata: refund_metadata && metadataAsText(refund_metadata),
      };
      return refundCheckoutSession({ ...ctx, processors }, { sessionId: id, refund: input });
    },
  });
}

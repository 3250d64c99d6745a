import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { type OrderPayment, payOrder } from '../../../app/payments/pay-order.js';
import { authenticateForTest, cancelPaymentIntent } from '../../../app/payments/payment-actions.js';
import {
  getPaymentIntent,
  listPaymentIntents,
} from '../../../app/payments/payment-intent-queries.js';
import type { Deps } from '../../../app/shared/deps.js';
import { CARD_BRANDS, CARD_FUNDINGS } from '../../../domain/card-details.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { paymentIntentResource } from '../../../resources/payment-intent.js';
import { callerOf, commandContextOf, requireTestMode } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { answerOnce, sendAnswer } from '../../idempotency.js';
import { ActionBody, ErrorResponses, Id, Nullable, RootBody, Timestamp } from '../../schemas.js';
import { Order } from '../orders/order-schemas.js';
import { resourceRoutes } from '../resource-routes.js';
import { paymentAnswer, paymentBody } from './payment-answer.js';

const PaymentMethodDetails = Type.Object(
  {
    type: Type.Literal('card'),
    card: Type.Object({
      brand: Type.Enum([...CARD_BRANDS]),
      last4: Type.String({ pattern: '^[0-9]{4}$' }),
      exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
      exp_year: Type.Integer(),
      funding: Type.Optional(Type.Enum([...CARD_FUNDINGS])),
    }),
  },
  {
    description:
      'The card that paid, as the processor reported it with the outcome (never its number); null until then',
  },
);

export const PaymentIntent = Type.Object({
  payment_intent_id: Type.String(),
  object: Type.Literal('payment_intent'),
  order_id: Type.String(),
  amount: Type.Integer(),
  amount_received: Type.Integer(),
  currency: Type.String(),
  status: Type.String(),
  latest_charge: Nullable(Type.String()),
  processor: Type.String(),
  buyer_email: Nullable(Type.String()),
  last_payment_error: Nullable(
    Type.Object({ code: Type.String(), message: Nullable(Type.String()) }),
  ),
  payment_method_details: Nullable(PaymentMethodDetails),
  payment_method_id: Nullable(
    Type.String({ description: 'The saved payment method it charged, if one did' }),
  ),
  off_session: Type.Boolean({ description: 'Charged with the buyer away (a renewal)' }),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Token = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'A processor token, e.g. tok_visa',
});
export const PayBody = RootBody(
  'payment',
  Type.Object(
    {
      payment_source_token: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 255,
          description:
            'A processor token, e.g. tok_visa. Required unless the order has nothing to pay (total 0)',
        }),
      ),
      payment_source_tokens: Type.Optional(
        Type.Array(Token, {
          minItems: 1,
          maxItems: 10,
          description:
            'The tokens that pay, as a list (instead of payment_source_token): exactly one for now',
        }),
      ),
      // Instead of a token: one of the order's customer's attached saved payment methods.
      payment_method_id: Type.Optional(Id('pm')),
      off_session: Type.Optional(
        Type.Boolean({
          description:
            'With payment_method_id: the buyer is not there (a renewal). A card that asks for authentication then fails with authentication_required instead of waiting',
        }),
      ),
      buyer_email: Type.Optional(Type.String({ format: 'email', maxLength: 512 })),
      amount: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: MAX_AMOUNT,
          description: 'Partial payment; the balance when omitted',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);
const tags = ['Payments'];

export function registerPaymentRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/orders/:order_id/pay',
    {
      schema: {
        tags,
        summary: "Charge (part of) the order's balance through the processor",
        description:
          'Charges the balance (or `amount` of it) with the payment source. An OPEN order with nothing to pay (its total is 0: a 100 % coupon, free lines) and no payment taken is completed without one: no token is needed (one given is not used), no processor is called, the order becomes PAID (`order.paid`, its checkout sessions complete) and `payment_intent` is null.',
        params: Type.Object({ order_id: Id('ord') }, { additionalProperties: false }),
        body: PayBody,
        response: {
          200: Type.Object({
            order: Order,
            payment_intent: Nullable(PaymentIntent),
          }),
          ...ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      // A failed payment is a 402 with the processor's reason; any other outcome the order
      // and its payment. Either is stored with the outcome, as the answer to replay.
      const respond = (result: OrderPayment) => paymentAnswer(result, request.id);
      const result = unwrap(
        await payOrder(
          { ...commandContextOf(request, deps), processors },
          { orderId: request.params.order_id, payment: request.body.payment },
          { answer: answerOnce(request, reply, respond) },
        ),
      );
      return sendAnswer(request, reply, () => respond(result));
    },
  );

  const IntentParams = Type.Object(
    { payment_intent_id: Id('pi') },
    { additionalProperties: false },
  );
  const Settled = Type.Object({ order: Order, payment_intent: PaymentIntent });
  const intents = resourceRoutes(server, deps, {
    path: '/v1/payment_intents',
    key: 'payment_intent',
    listKey: 'payment_intents',
    idParam: 'payment_intent_id',
    idPrefix: 'pi',
    tags,
    schema: PaymentIntent,
    serialize: paymentIntentResource,
  });
  intents.get({
    summary: 'Retrieve a payment intent',
    run: ({ deps, caller }, id) => getPaymentIntent(deps, caller, id),
  });
  intents.list({
    summary: 'List payment intents, newest first',
    filters: { order: Type.Optional(Id('ord')) },
    run: ({ deps, caller }, { order }, page) =>
      listPaymentIntents(deps, caller, { orderId: order }, page),
  });
  intents.actionAnswering('cancel', {
    summary: "Cancel a payment waiting for the buyer's action (3-D Secure)",
    body: ActionBody,
    response: Settled,
    run: (ctx, id) => cancelPaymentIntent({ ...ctx, processors }, { paymentIntentId: id }),
    answer: paymentBody,
  });

  for (const result of ['succeed', 'fail'] as const) {
    app.post(
      `/v1/test_helpers/payment_intents/:payment_intent_id/${result}`,
      {
        schema: {
          tags: ['Test helpers'],
          summary: `Test mode, sandbox: the buyer ${result === 'succeed' ? 'completes' : 'fails'} 3-D Secure`,
          params: IntentParams,
          body: ActionBody,
          response: { 200: Settled, ...ErrorResponses },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        requireTestMode(caller);
        const settled = unwrap(
          await authenticateForTest(
            { deps, tenant: caller },
            { paymentIntentId: request.params.payment_intent_id, result },
          ),
        );
        return paymentBody(settled);
      },
    );
  }
}

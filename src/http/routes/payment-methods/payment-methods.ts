import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PaymentMethodRow } from '../../../adapters/db/schema-payment-methods.js';
import {
  detachPaymentMethod,
  updatePaymentMethod,
} from '../../../app/payment-methods/payment-method-actions.js';
import {
  getPaymentMethod,
  listCustomerPaymentMethods,
} from '../../../app/payment-methods/payment-method-views.js';
import { savePaymentMethod } from '../../../app/payment-methods/save-payment-method.js';
import type { Deps } from '../../../app/shared/deps.js';
import { CARD_BRANDS, CARD_FUNDINGS } from '../../../domain/card-details.js';
import { PAYMENT_METHOD_STATUSES } from '../../../domain/payment-methods/payment-method-values.js';
import type { Processors } from '../../../ports/payment-processor.js';
import { paymentMethodResource } from '../../../resources/payment-method.js';
import { commandContextOf } from '../../auth.js';
import { declineCode } from '../../error-vocabulary.js';
import { ApiError, unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ActionBody,
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

const PaymentMethodStatus = literalUnion(PAYMENT_METHOD_STATUSES);

export const PaymentMethod = Type.Object({
  payment_method_id: Type.String(),
  object: Type.Literal('payment_method'),
  customer_id: Type.String(),
  type: Type.Literal('card'),
  card: Nullable(
    Type.Object(
      {
        brand: Type.Enum([...CARD_BRANDS]),
        last4: Type.String({ pattern: '^[0-9]{4}$' }),
        exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
        exp_year: Type.Integer(),
        funding: Type.Optional(Type.Enum([...CARD_FUNDINGS])),
      },
      { description: 'The saved card as the processor reported it (never its number)' },
    ),
  ),
  processor: Type.String(),
  processor_payment_method_id: Type.String({
    description: "The processor's id of the saved card (`pm_sbx_…` in the sandbox)",
  }),
  status: PaymentMethodStatus,
  detached_at: Nullable(Timestamp),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

const SavePaymentMethodBody = MetadataBody(
  'payment_method',
  {
    payment_source_token: Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        "The processor token of the buyer's card (tok_visa; on Stripe, a pm_… from Stripe.js): no card data reaches Flint",
    }),
    set_default: Type.Optional(
      Type.Boolean({ description: "Make it the customer's default (its first method always is)" }),
    ),
  },
  'Saves a card through the processor for later (off-session) charges; nothing is charged',
);
const UpdatePaymentMethodBody = MetadataBody(
  'payment_method',
  {},
  'Metadata is merged ("" removes a key)',
);

const tags = ['Payment methods'];
const CustomerParams = Type.Object({ customer_id: Id('cus') }, { additionalProperties: false });
const answer = (row: PaymentMethodRow) => ({ payment_method: paymentMethodResource(row) });

export function registerPaymentMethodRoutes(
  server: FastifyInstance,
  deps: Deps,
  processors: Processors,
): void {
  const routes = resourceRoutes(server, deps, {
    key: 'payment_method',
    idPrefix: 'pm',
    tags,
    schema: PaymentMethod,
    serialize: paymentMethodResource,
  });
  routes.get({ summary: 'Retrieve a saved payment method', run: ofCaller(getPaymentMethod) });
  routes.update({
    summary: "Change a saved payment method's metadata",
    body: UpdatePaymentMethodBody,
    run: (ctx, id, body) => updatePaymentMethod(ctx, { id, changes: body.payment_method }),
  });
  routes.action('detach', {
    summary: "Detach a saved payment method: never charged again, no longer the customer's default",
    body: ActionBody,
    run: (ctx, id) => detachPaymentMethod({ ...ctx, processors }, { id }),
  });

  server.post(
    '/v1/customers/:customer_id/payment_methods',
    {
      schema: {
        tags,
        summary: "Save a card as the customer's, through the processor",
        description:
          'The processor keeps the card (Stripe: an off-session SetupIntent on the customer’s Stripe Customer); Flint keeps its id and card details. The first method saved becomes the customer’s default. A card the processor refuses is a 402 with its decline code, and nothing is saved.',
        params: CustomerParams,
        body: SavePaymentMethodBody,
        response: { 200: Type.Object({ payment_method: PaymentMethod }), ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer_id } = request.params as { customer_id: string };
      const body = request.body as {
        payment_method: Parameters<typeof savePaymentMethod>[1]['input'];
      };
      const saved = unwrap(
        await savePaymentMethod(
          { ...commandContextOf(request, deps), processors },
          { customerId: customer_id, input: body.payment_method },
        ),
      );
      if (saved.kind === 'declined') {
        throw ApiError.declined(declineCode(saved.declineCode), saved.message, {
          decline_code: saved.declineCode,
        });
      }
      return answer(saved.method);
    },
  );

  const query = ListQuery('pm', { status: Type.Optional(PaymentMethodStatus) });
  server.get(
    '/v1/customers/:customer_id/payment_methods',
    {
      schema: {
        tags,
        summary: "List a customer's saved payment methods, newest first",
        params: CustomerParams,
        querystring: query,
        response: { 200: ListResponse('payment_methods', PaymentMethod), ...ErrorResponses },
      },
    },
    async (request) => {
      const { customer_id } = request.params as { customer_id: string };
      const q = request.query as { status?: PaymentMethodRow['status'] };
      const page = unwrap(
        await listCustomerPaymentMethods(commandContextOf(request, deps), {
          filter: { customer_id, status: q.status },
          page: pageRequestOf(request.query as Parameters<typeof pageRequestOf>[0]),
        }),
      );
      return listBody('payment_methods', page, paymentMethodResource);
    },
  );
}

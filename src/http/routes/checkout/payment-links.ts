import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import {
  createPaymentLink,
  getPaymentLink,
  listPaymentLinks,
  updatePaymentLink,
} from '../../../app/checkout/payment-links.js';
import type { Deps } from '../../../app/shared/deps.js';
import { paymentLinkResource } from '../../../resources/payment-link.js';
import { actorOf, callerOf } from '../../auth.js';
import { unwrap } from '../../errors.js';
import { listBody, pageRequestOf } from '../../pagination.js';
import {
  ErrorResponses,
  Id,
  ListQuery,
  ListResponse,
  Metadata,
  Nullable,
  RootBody,
  Timestamp,
} from '../../schemas.js';
import { baseUrl } from './checkout-sessions.js';

const Quantity = Type.Integer({ minimum: 1, maximum: 999 });
const AdjustableQuantity = Type.Object({
  enabled: Type.Boolean(),
  minimum: Quantity,
  maximum: Quantity,
});
const LinkLine = Type.Object({
  price_id: Type.String(),
  quantity: Type.Integer(),
  adjustable_quantity: Nullable(AdjustableQuantity),
});
const PaymentLink = Type.Object({
  payment_link_id: Type.String(),
  object: Type.Literal('payment_link'),
  active: Type.Boolean(),
  url: Type.String({ description: 'The public link: each visit makes an order and a session' }),
  line_items: Type.Array(LinkLine),
  currency: Type.String({ description: 'ISO 4217, upper-case: the currency of every price' }),
  after_completion: Nullable(Type.Object({ redirect_url: Type.String() })),
  cancel_url: Nullable(
    Type.String({ description: "Where the checkout page's Cancel link goes (copied to sessions)" }),
  ),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Url = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
const CancelUrl = Type.String({
  format: 'uri',
  maxLength: 2048,
  pattern: '^https?://',
  description: "The checkout page's Cancel link (the merchant's page)",
});

const LinkLineInput = Type.Object(
  {
    price_id: Id('price'),
    quantity: Quantity,
    adjustable_quantity: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          minimum: Type.Optional(Quantity),
          maximum: Type.Optional(Quantity),
        },
        {
          additionalProperties: false,
          description: 'Lets the buyer choose the quantity of the first line (?quantity=N)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
const CreateBody = RootBody(
  'payment_link',
  Type.Object(
    {
      line_items: Type.Array(LinkLineInput, { minItems: 1, maxItems: 20 }),
      after_completion: Type.Optional(
        Type.Object(
          {
            redirect_url: Url,
          },
          { additionalProperties: false },
        ),
      ),
      cancel_url: Type.Optional(CancelUrl),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdateBody = RootBody(
  'payment_link',
  Type.Object(
    {
      active: Type.Optional(Type.Boolean()),
      cancel_url: Type.Optional(Nullable(CancelUrl)),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description:
        'Only active, cancel_url (null removes it) and metadata change; metadata is merged ("" removes a key).',
    },
  ),
);
const Params = Type.Object({ payment_link_id: Id('plink') }, { additionalProperties: false });
const Response = Type.Object({ payment_link: PaymentLink });
const tags = ['Payment links'];

export function registerPaymentLinkRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/payment_links',
    {
      schema: {
        tags,
        summary: 'Create a payment link: a shareable URL that sells fixed prices',
        body: CreateBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const row = unwrap(
        await createPaymentLink(
          deps,
          callerOf(request),
          actorOf(request),
          request.body.payment_link,
        ),
      );
      return { payment_link: paymentLinkResource(row, baseUrl(deps, request)) };
    },
  );

  app.get(
    '/v1/payment_links/:payment_link_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a payment link',
        params: Params,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const row = unwrap(
        await getPaymentLink(deps, callerOf(request), request.params.payment_link_id),
      );
      return { payment_link: paymentLinkResource(row, baseUrl(deps, request)) };
    },
  );

  app.patch(
    '/v1/payment_links/:payment_link_id',
    {
      schema: {
        tags,
        summary: 'Turn a payment link on or off, or change its cancel_url or metadata',
        params: Params,
        body: UpdateBody,
        response: { 200: Response, ...ErrorResponses },
      },
    },
    async (request) => {
      const row = unwrap(
        await updatePaymentLink(
          deps,
          callerOf(request),
          actorOf(request),
          request.params.payment_link_id,
          request.body.payment_link,
        ),
      );
      return { payment_link: paymentLinkResource(row, baseUrl(deps, request)) };
    },
  );

  app.get(
    '/v1/payment_links',
    {
      schema: {
        tags,
        summary: 'List payment links, newest first',
        querystring: ListQuery('plink', { active: Type.Optional(Type.Boolean()) }),
        response: { 200: ListResponse('payment_links', PaymentLink), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listPaymentLinks(
        deps,
        callerOf(request),
        { active: q.active },
        pageRequestOf(q),
      );
      return listBody('payment_links', page, (row) =>
        paymentLinkResource(row, baseUrl(deps, request)),
      );
    },
  );
}

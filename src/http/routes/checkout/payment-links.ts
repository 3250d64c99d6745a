import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { PaymentLinkRow } from '../../../adapters/db/schema.js';
import {
  createPaymentLink,
  getPaymentLink,
  listPaymentLinks,
  updatePaymentLink,
} from '../../../app/checkout/payment-links.js';
import type { Deps } from '../../../app/shared/deps.js';
import { paymentLinkResource } from '../../../resources/payment-link.js';
import { Id, Metadata, Nullable, RootBody, Timestamp } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';
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
export const PaymentLink = Type.Object({
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
const tags = ['Payment links'];

export function registerPaymentLinkRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    path: '/v1/payment_links',
    key: 'payment_link',
    listKey: 'payment_links',
    idParam: 'payment_link_id',
    idPrefix: 'plink',
    tags,
    schema: PaymentLink,
    serialize: (row: PaymentLinkRow, { deps, request }) =>
      paymentLinkResource(row, baseUrl(deps, request)),
  });
  routes.create({
    summary: 'Create a payment link: a shareable URL that sells fixed prices',
    body: CreateBody,
    run: (ctx, body) => createPaymentLink(ctx, body.payment_link),
  });
  routes.get({
    summary: 'Retrieve a payment link',
    run: ({ deps, caller }, id) => getPaymentLink(deps, caller, id),
  });
  routes.update({
    summary: 'Turn a payment link on or off, or change its cancel_url or metadata',
    body: UpdateBody,
    run: (ctx, id, body) => updatePaymentLink(ctx, { id, changes: body.payment_link }),
  });
  routes.list({
    summary: 'List payment links, newest first',
    filters: { active: Type.Optional(Type.Boolean()) },
    run: ({ deps, caller }, { active }, page) => listPaymentLinks(deps, caller, { active }, page),
  });
}

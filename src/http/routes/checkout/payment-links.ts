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
import { Fields, Id, MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';
import { onBaseUrl } from './checkout-sessions.js';

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
  ...ModeAndTimes,
});

const Url = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
const CancelUrl = Type.String({
  format: 'uri',
  maxLength: 2048,
  pattern: '^https?://',
  description: "The checkout page's Cancel link (the merchant's page)",
});

const LinkLineInput = Fields({
  price_id: Id('price'),
  quantity: Quantity,
  adjustable_quantity: Type.Optional(
    Fields(
      {
        enabled: Type.Boolean(),
        minimum: Type.Optional(Quantity),
        maximum: Type.Optional(Quantity),
      },
      'Lets the buyer choose the quantity of the first line (?quantity=N)',
    ),
  ),
});
const CreateBody = MetadataBody('payment_link', {
  line_items: Type.Array(LinkLineInput, { minItems: 1, maxItems: 20 }),
  after_completion: Type.Optional(
    Fields({
      redirect_url: Url,
    }),
  ),
  cancel_url: Type.Optional(CancelUrl),
});
const UpdateBody = MetadataBody(
  'payment_link',
  {
    active: Type.Optional(Type.Boolean()),
    cancel_url: Type.Optional(Nullable(CancelUrl)),
  },
  'Only active, cancel_url (null removes it) and metadata change; metadata is merged ("" removes a key).',
);
const tags = ['Payment links'];

export function registerPaymentLinkRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'payment_link',
    idPrefix: 'plink',
    tags,
    schema: PaymentLink,
    serialize: onBaseUrl(paymentLinkResource),
  });
  routes.create({
    summary: 'Create a payment link: a shareable URL that sells fixed prices',
    body: CreateBody,
    run: (ctx, body) => createPaymentLink(ctx, body.payment_link),
  });
  routes.get({ summary: 'Retrieve a payment link', run: ofCaller(getPaymentLink) });
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

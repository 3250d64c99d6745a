import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { createPrice, getPrice, listPrices, updatePrice } from '../../../app/catalog/prices.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { priceResource } from '../../../resources/price.js';
import { Fields, Id, MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

const Currency = Type.String({
  pattern: '^[A-Za-z]{3}$',
  description: 'ISO 4217, either case',
});
const Interval = Type.Enum(['day', 'week', 'month', 'year']);

export const Price = Type.Object({
  price_id: Type.String(),
  object: Type.Literal('price'),
  product_id: Type.String(),
  unit_amount: Type.Integer(),
  currency: Type.String({ description: 'ISO 4217, upper-case' }),
  recurring: Nullable(Type.Object({ interval: Type.String(), interval_count: Type.Integer() })),
  active: Type.Boolean(),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});
export type Price = Static<typeof Price>;

const CreatePriceBody = MetadataBody('price', {
  product_id: Id('prod'),
  unit_amount: Type.Integer({
    minimum: 0,
    maximum: MAX_AMOUNT,
    description: "In the currency's minor unit",
  }),
  currency: Currency,
  recurring: Type.Optional(
    Fields(
      {
        interval: Interval,
        interval_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 1 })),
      },
      'Omit for a one-off price',
    ),
  ),
  active: Type.Optional(Type.Boolean()),
});
const UpdatePriceBody = MetadataBody(
  'price',
  { active: Type.Optional(Type.Boolean()) },
  'Only active and metadata change; amount, currency, product and recurring are immutable.',
);

const tags = ['Prices'];

export function registerPriceRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'price',
    idPrefix: 'price',
    tags,
    schema: Price,
    serialize: priceResource,
  });
  routes.create({
    summary: 'Create a price for a product',
    body: CreatePriceBody,
    run: ({ deps, caller }, body) => createPrice(deps, caller, body.price),
  });
  routes.get({ summary: 'Retrieve a price', run: ofCaller(getPrice) });
  routes.update({
    summary: 'Update a price (active, metadata)',
    body: UpdatePriceBody,
    run: (ctx, id, body) => updatePrice(ctx, { id, changes: body.price }),
  });
  routes.list({
    summary: 'List prices, newest first',
    filters: {
      product: Type.Optional(Id('prod')),
      active: Type.Optional(Type.Boolean()),
      currency: Type.Optional(Currency),
    },
    run: (ctx, { product, active, currency }, page) =>
      listPrices(ctx, { filter: { product, active, currency }, page }),
  });
}

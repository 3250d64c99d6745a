import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { createPrice, getPrice, listPrices, updatePrice } from '../../../app/catalog/prices.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { priceResource } from '../../../resources/price.js';
import { Id, Metadata, Nullable, RootBody, Timestamp } from '../../schemas.js';
import { resourceRoutes } from '../resource-routes.js';

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
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Price = Static<typeof Price>;

const CreatePriceBody = RootBody(
  'price',
  Type.Object(
    {
      product_id: Id('prod'),
      unit_amount: Type.Integer({
        minimum: 0,
        maximum: MAX_AMOUNT,
        description: "In the currency's minor unit",
      }),
      currency: Currency,
      recurring: Type.Optional(
        Type.Object(
          {
            interval: Interval,
            interval_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 1 })),
          },
          { additionalProperties: false, description: 'Omit for a one-off price' },
        ),
      ),
      active: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdatePriceBody = RootBody(
  'price',
  Type.Object(
    { active: Type.Optional(Type.Boolean()), metadata: Type.Optional(Metadata) },
    {
      additionalProperties: false,
      description:
        'Only active and metadata change; amount, currency, product and recurring are immutable.',
    },
  ),
);

const tags = ['Prices'];

export function registerPriceRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    path: '/v1/prices',
    key: 'price',
    listKey: 'prices',
    idParam: 'price_id',
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
  routes.get({
    summary: 'Retrieve a price',
    run: ({ deps, caller }, id) => getPrice(deps, caller, id),
  });
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

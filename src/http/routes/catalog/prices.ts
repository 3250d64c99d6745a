import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { PriceRow } from '../../../adapters/db/schema.js';
import { createPrice, getPrice, listPrices, updatePrice } from '../../../app/catalog/prices.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { callerOf } from '../../auth.js';
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
const PriceParams = Type.Object({ price_id: Id('price') }, { additionalProperties: false });
const PriceResponse = Type.Object({ price: Price });
const ListPricesQuery = ListQuery('price', {
  product: Type.Optional(Id('prod')),
  active: Type.Optional(Type.Boolean()),
  currency: Type.Optional(Currency),
});

export function serializePrice(row: PriceRow): Price {
  return {
    price_id: row.id,
    object: 'price',
    product_id: row.product_id,
    unit_amount: row.unit_amount,
    currency: row.currency,
    recurring:
      row.recurring_interval === null
        ? null
        : { interval: row.recurring_interval, interval_count: row.recurring_interval_count ?? 1 },
    active: row.active,
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const tags = ['Prices'];

export function registerPriceRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/prices',
    {
      schema: {
        tags,
        summary: 'Create a price for a product',
        body: CreatePriceBody,
        response: { 200: PriceResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { price } = request.body;
      const row = unwrap(await createPrice(deps, callerOf(request), price));
      return { price: serializePrice(row) };
    },
  );

  app.get(
    '/v1/prices/:price_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a price',
        params: PriceParams,
        response: { 200: PriceResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { price_id } = request.params;
      const row = unwrap(await getPrice(deps, callerOf(request), price_id));
      return { price: serializePrice(row) };
    },
  );

  app.patch(
    '/v1/prices/:price_id',
    {
      schema: {
        tags,
        summary: 'Update a price (active, metadata)',
        params: PriceParams,
        body: UpdatePriceBody,
        response: { 200: PriceResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { price_id } = request.params;
      const { price } = request.body;
      const row = unwrap(await updatePrice(deps, callerOf(request), price_id, price));
      return { price: serializePrice(row) };
    },
  );

  app.get(
    '/v1/prices',
    {
      schema: {
        tags,
        summary: 'List prices, newest first',
        querystring: ListPricesQuery,
        response: { 200: ListResponse('prices', Price), ...ErrorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const page = unwrap(
        await listPrices(
          deps,
          callerOf(request),
          { product: query.product, active: query.active, currency: query.currency },
          pageRequestOf(query),
        ),
      );
      return listBody('prices', page, serializePrice);
    },
  );
}

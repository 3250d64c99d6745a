import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { TaxRateRow } from '../../../adapters/db/schema.js';
import {
  createTaxRate,
  getTaxRate,
  listTaxRates,
  updateTaxRate,
} from '../../../app/catalog/tax-rates.js';
import type { Deps } from '../../../app/shared/deps.js';
import { PERCENTAGE_PATTERN } from '../../../domain/percentage.js';
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

const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
const Jurisdiction = Type.String({ maxLength: 100 });

export const TaxRate = Type.Object({
  tax_rate_id: Type.String(),
  object: Type.Literal('tax_rate'),
  display_name: Type.String(),
  percentage: Type.String({ description: 'Canonical decimal, e.g. "8.875"' }),
  inclusive: Type.Boolean(),
  jurisdiction: Nullable(Type.String()),
  default: Type.Boolean(),
  active: Type.Boolean(),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type TaxRate = Static<typeof TaxRate>;

const CreateTaxRateBody = RootBody(
  'tax_rate',
  Type.Object(
    {
      display_name: DisplayName,
      percentage: Type.String({
        pattern: PERCENTAGE_PATTERN,
        description: 'A decimal string from 0 to 100 with at most 4 decimals ("8", "8.875")',
      }),
      inclusive: Type.Boolean({ description: 'Whether prices already contain this tax' }),
      jurisdiction: Type.Optional(Nullable(Jurisdiction)),
      default: Type.Optional(
        Type.Boolean({ description: "Part of the account's default rates for new orders" }),
      ),
      active: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdateTaxRateBody = RootBody(
  'tax_rate',
  Type.Object(
    {
      display_name: Type.Optional(DisplayName),
      jurisdiction: Type.Optional(Nullable(Jurisdiction)),
      default: Type.Optional(Type.Boolean()),
      active: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description: 'percentage and inclusive are immutable; metadata is merged.',
    },
  ),
);
const TaxRateParams = Type.Object({ tax_rate_id: Id('txr') }, { additionalProperties: false });
const TaxRateResponse = Type.Object({ tax_rate: TaxRate });
const ListTaxRatesQuery = ListQuery('txr', {
  active: Type.Optional(Type.Boolean()),
  default: Type.Optional(Type.Boolean()),
});

export function serializeTaxRate(row: TaxRateRow): TaxRate {
  return {
    tax_rate_id: row.id,
    object: 'tax_rate',
    display_name: row.display_name,
    percentage: row.percentage,
    inclusive: row.inclusive,
    jurisdiction: row.jurisdiction,
    default: row.is_default,
    active: row.active,
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const tags = ['Tax rates'];

export function registerTaxRateRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/tax_rates',
    {
      schema: {
        tags,
        summary: 'Create a tax rate',
        body: CreateTaxRateBody,
        response: { 200: TaxRateResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { tax_rate } = request.body;
      const row = unwrap(await createTaxRate(deps, callerOf(request), tax_rate));
      return { tax_rate: serializeTaxRate(row) };
    },
  );

  app.get(
    '/v1/tax_rates/:tax_rate_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a tax rate',
        params: TaxRateParams,
        response: { 200: TaxRateResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { tax_rate_id } = request.params;
      const row = unwrap(await getTaxRate(deps, callerOf(request), tax_rate_id));
      return { tax_rate: serializeTaxRate(row) };
    },
  );

  app.patch(
    '/v1/tax_rates/:tax_rate_id',
    {
      schema: {
        tags,
        summary: 'Update a tax rate (display_name, jurisdiction, default, active, metadata)',
        params: TaxRateParams,
        body: UpdateTaxRateBody,
        response: { 200: TaxRateResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { tax_rate_id } = request.params;
      const { tax_rate } = request.body;
      const row = unwrap(await updateTaxRate(deps, callerOf(request), tax_rate_id, tax_rate));
      return { tax_rate: serializeTaxRate(row) };
    },
  );

  app.get(
    '/v1/tax_rates',
    {
      schema: {
        tags,
        summary: 'List tax rates, newest first',
        querystring: ListTaxRatesQuery,
        response: { 200: ListResponse('tax_rates', TaxRate), ...ErrorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await listTaxRates(
        deps,
        callerOf(request),
        { active: query.active, isDefault: query.default },
        pageRequestOf(query),
      );
      return listBody('tax_rates', page, serializeTaxRate);
    },
  );
}

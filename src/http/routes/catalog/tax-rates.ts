import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import {
  createTaxRate,
  getTaxRate,
  listTaxRates,
  updateTaxRate,
} from '../../../app/catalog/tax-rates.js';
import type { Deps } from '../../../app/shared/deps.js';
import { PERCENTAGE_PATTERN } from '../../../domain/percentage.js';
import { taxRateResource } from '../../../resources/tax-rate.js';
import { MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

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
  ...ModeAndTimes,
});
export type TaxRate = Static<typeof TaxRate>;

const CreateTaxRateBody = MetadataBody('tax_rate', {
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
});
const UpdateTaxRateBody = MetadataBody(
  'tax_rate',
  {
    display_name: Type.Optional(DisplayName),
    jurisdiction: Type.Optional(Nullable(Jurisdiction)),
    default: Type.Optional(Type.Boolean()),
    active: Type.Optional(Type.Boolean()),
  },
  'percentage and inclusive are immutable; metadata is merged.',
);
const tags = ['Tax rates'];

export function registerTaxRateRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'tax_rate',
    idPrefix: 'txr',
    tags,
    schema: TaxRate,
    serialize: taxRateResource,
  });
  routes.create({
    summary: 'Create a tax rate',
    body: CreateTaxRateBody,
    run: ({ deps, caller }, body) => createTaxRate(deps, caller, body.tax_rate),
  });
  routes.get({ summary: 'Retrieve a tax rate', run: ofCaller(getTaxRate) });
  routes.update({
    summary: 'Update a tax rate (display_name, jurisdiction, default, active, metadata)',
    body: UpdateTaxRateBody,
    run: (ctx, id, body) => updateTaxRate(ctx, { id, changes: body.tax_rate }),
  });
  routes.list({
    summary: 'List tax rates, newest first',
    filters: { active: Type.Optional(Type.Boolean()), default: Type.Optional(Type.Boolean()) },
    run: ({ deps, caller }, query, page) =>
      listTaxRates(deps, caller, { active: query.active, isDefault: query.default }, page),
  });
}

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { CouponRow } from '../../../adapters/db/schema.js';
import {
  createCoupon,
  getCoupon,
  isCouponValid,
  listCoupons,
  updateCoupon,
} from '../../../app/catalog/coupons.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
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

const Name = Type.String({ minLength: 1, maxLength: 250 });
/** The column is a PostgreSQL integer. */
const MAX_INT4 = 2_147_483_647;

export const Coupon = Type.Object({
  coupon_id: Type.String(),
  object: Type.Literal('coupon'),
  code: Type.String(),
  name: Nullable(Type.String()),
  percent_off: Nullable(Type.String()),
  amount_off: Nullable(Type.Integer()),
  currency: Nullable(Type.String()),
  max_redemptions: Nullable(Type.Integer()),
  times_redeemed: Type.Integer(),
  redeem_by: Nullable(Timestamp),
  min_subtotal: Nullable(Type.Integer()),
  applies_to: Nullable(Type.Object({ products: Type.Array(Type.String()) })),
  stackable: Type.Boolean(),
  active: Type.Boolean(),
  valid: Type.Boolean({ description: 'Active, not past redeem_by and not exhausted, right now' }),
  metadata: Type.Record(Type.String(), Type.String()),
  test_mode: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Coupon = Static<typeof Coupon>;

const CreateCouponBody = RootBody(
  'coupon',
  Type.Object(
    {
      code: Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'Unique per account and mode, ignoring case',
      }),
      name: Type.Optional(Nullable(Name)),
      percent_off: Type.Optional(
        Type.String({
          pattern: PERCENTAGE_PATTERN,
          description: 'A decimal string above 0 and at most 100; or amount_off and currency',
        }),
      ),
      amount_off: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AMOUNT })),
      currency: Type.Optional(
        Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 of amount_off' }),
      ),
      max_redemptions: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT4 })),
      redeem_by: Type.Optional(Type.String({ format: 'date-time', description: 'In the future' })),
      min_subtotal: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_AMOUNT })),
      applies_to: Type.Optional(
        Type.Object(
          { products: Type.Array(Id('prod'), { minItems: 1, maxItems: 100 }) },
          { additionalProperties: false },
        ),
      ),
      stackable: Type.Optional(Type.Boolean({ default: false })),
      metadata: Type.Optional(Metadata),
    },
    { additionalProperties: false },
  ),
);
const UpdateCouponBody = RootBody(
  'coupon',
  Type.Object(
    {
      name: Type.Optional(Nullable(Name)),
      active: Type.Optional(Type.Boolean()),
      metadata: Type.Optional(Metadata),
    },
    {
      additionalProperties: false,
      description: "Only name, active and metadata change; a coupon's terms are immutable.",
    },
  ),
);
const CouponParams = Type.Object({ coupon_id: Id('cpn') }, { additionalProperties: false });
const CouponResponse = Type.Object({ coupon: Coupon });
const ListCouponsQuery = ListQuery('cpn', {
  active: Type.Optional(Type.Boolean()),
  code: Type.Optional(Type.String({ maxLength: 64, description: 'Exact match, any case' })),
});

export function serializeCoupon(row: CouponRow, now: Date): Coupon {
  return {
    coupon_id: row.id,
    object: 'coupon',
    code: row.code,
    name: row.name,
    percent_off: row.percent_off,
    amount_off: row.amount_off,
    currency: row.currency,
    max_redemptions: row.max_redemptions,
    times_redeemed: row.times_redeemed,
    redeem_by: row.redeem_by === null ? null : row.redeem_by.toISOString(),
    min_subtotal: row.min_subtotal,
    applies_to: row.applies_to === null ? null : { products: row.applies_to },
    stackable: row.stackable,
    active: row.active,
    valid: isCouponValid(row, now),
    metadata: row.metadata,
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const tags = ['Coupons'];

export function registerCouponRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const serialize = (row: CouponRow) => serializeCoupon(row, deps.clock.now());

  app.post(
    '/v1/coupons',
    {
      schema: {
        tags,
        summary: 'Create a coupon',
        body: CreateCouponBody,
        response: { 200: CouponResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { coupon } = request.body;
      const row = unwrap(await createCoupon(deps, callerOf(request), coupon));
      return { coupon: serialize(row) };
    },
  );

  app.get(
    '/v1/coupons/:coupon_id',
    {
      schema: {
        tags,
        summary: 'Retrieve a coupon',
        params: CouponParams,
        response: { 200: CouponResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { coupon_id } = request.params;
      const row = unwrap(await getCoupon(deps, callerOf(request), coupon_id));
      return { coupon: serialize(row) };
    },
  );

  app.patch(
    '/v1/coupons/:coupon_id',
    {
      schema: {
        tags,
        summary: 'Update a coupon (name, active, metadata)',
        params: CouponParams,
        body: UpdateCouponBody,
        response: { 200: CouponResponse, ...ErrorResponses },
      },
    },
    async (request) => {
      const { coupon_id } = request.params;
      const { coupon } = request.body;
      const row = unwrap(await updateCoupon(deps, callerOf(request), coupon_id, coupon));
      return { coupon: serialize(row) };
    },
  );

  app.get(
    '/v1/coupons',
    {
      schema: {
        tags,
        summary: 'List coupons, newest first',
        querystring: ListCouponsQuery,
        response: { 200: ListResponse('coupons', Coupon), ...ErrorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const page = await listCoupons(
        deps,
        callerOf(request),
        { active: query.active, code: query.code },
        pageRequestOf(query),
      );
      return listBody('coupons', page, serialize);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { CouponRow } from '../../../adapters/db/schema.js';
import {
  createCoupon,
  getCoupon,
  listCoupons,
  updateCoupon,
} from '../../../app/catalog/coupons.js';
import type { Deps } from '../../../app/shared/deps.js';
import { MAX_AMOUNT } from '../../../domain/money.js';
import { PERCENTAGE_PATTERN } from '../../../domain/percentage.js';
import { couponResource } from '../../../resources/coupon.js';
import { Fields, Id, MetadataBody, ModeAndTimes, Nullable, Timestamp } from '../../schemas.js';
import { ofCaller, resourceRoutes } from '../resource-routes.js';

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
  ...ModeAndTimes,
});
export type Coupon = Static<typeof Coupon>;

const CreateCouponBody = MetadataBody('coupon', {
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
    Fields({ products: Type.Array(Id('prod'), { minItems: 1, maxItems: 100 }) }),
  ),
  stackable: Type.Optional(Type.Boolean({ default: false })),
});
const UpdateCouponBody = MetadataBody(
  'coupon',
  {
    name: Type.Optional(Nullable(Name)),
    active: Type.Optional(Type.Boolean()),
  },
  "Only name, active and metadata change; a coupon's terms are immutable.",
);

const tags = ['Coupons'];

export function registerCouponRoutes(server: FastifyInstance, deps: Deps): void {
  const routes = resourceRoutes(server, deps, {
    key: 'coupon',
    idPrefix: 'cpn',
    tags,
    schema: Coupon,
    serialize: (row: CouponRow, { deps }) => couponResource(row, deps.clock.now()),
  });
  routes.create({
    summary: 'Create a coupon',
    body: CreateCouponBody,
    run: ({ deps, caller }, body) => createCoupon(deps, caller, body.coupon),
  });
  routes.get({ summary: 'Retrieve a coupon', run: ofCaller(getCoupon) });
  routes.update({
    summary: 'Update a coupon (name, active, metadata)',
    body: UpdateCouponBody,
    run: (ctx, id, body) => updateCoupon(ctx, { id, changes: body.coupon }),
  });
  routes.list({
    summary: 'List coupons, newest first',
    filters: {
      active: Type.Optional(Type.Boolean()),
      code: Type.Optional(Type.String({ maxLength: 64, description: 'Exact match, any case' })),
    },
    run: ({ deps, caller }, { active, code }, page) =>
      listCoupons(deps, caller, { active, code }, page),
  });
}

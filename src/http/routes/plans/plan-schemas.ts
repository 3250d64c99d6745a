import { Type } from 'typebox';
import { MAX_AMOUNT } from '../../../domain/money.js';
import {
  MAX_INTERVAL_COUNT,
  MAX_LINE_QUANTITY,
  MAX_PLAN_LINES,
  MAX_TRIAL_DAYS,
} from '../../../domain/plans/plan-terms.js';
import { RECURRING_INTERVALS } from '../../../domain/value-lists.js';
import { Fields, Id, literalUnion, MetadataBody, ModeAndTimes, Nullable } from '../../schemas.js';

// The wire schemas of plans: request bodies, the plan, a version of its terms.

export const RecurringInterval = literalUnion(RECURRING_INTERVALS);
const Currency = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217, either case' });
const IntervalCount = Type.Integer({
  minimum: 1,
  maximum: MAX_INTERVAL_COUNT.day,
  description: 'At most three years: 3 years, 36 months, 156 weeks or 1095 days',
});
const TrialDays = Nullable(Type.Integer({ minimum: 0, maximum: MAX_TRIAL_DAYS }));

const PlanLineInput = Fields(
  {
    price_id: Type.Optional(Id('price')),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    unit_amount: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_AMOUNT,
        description: "In the currency's minor unit",
      }),
    ),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY, default: 1 })),
    per_seat: Type.Optional(
      Type.Boolean({
        description: "Multiplied by a subscription's quantity (seats); default true",
      }),
    ),
    tax_rate_ids: Type.Optional(
      Type.Array(Id('txr'), { maxItems: 10, description: "Overrides the account's default rates" }),
    ),
    tax_exempt: Type.Optional(Type.Boolean()),
  },
  'By a recurring price_id of the plan’s interval and currency, or ad hoc: name + unit_amount',
);
const PlanLines = Type.Array(PlanLineInput, { minItems: 1, maxItems: MAX_PLAN_LINES });

export const CreatePlanBody = MetadataBody('plan', {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  currency: Currency,
  interval: RecurringInterval,
  interval_count: Type.Optional(IntervalCount),
  trial_period_days: Type.Optional(TrialDays),
  line_items: PlanLines,
  active: Type.Optional(Type.Boolean()),
});

export const UpdatePlanBody = MetadataBody(
  'plan',
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    active: Type.Optional(Type.Boolean()),
    currency: Type.Optional(Currency),
    interval: Type.Optional(RecurringInterval),
    interval_count: Type.Optional(IntervalCount),
    trial_period_days: Type.Optional(TrialDays),
    line_items: Type.Optional(PlanLines),
  },
  'A change of the terms (currency, interval, interval_count, trial_period_days, line_items — which replaces every line) makes a new version; name, description, active and metadata (merged) do not.',
);

const PlanLine = Type.Object({
  name: Type.String(),
  unit_amount: Type.Integer(),
  quantity: Type.Integer(),
  per_seat: Type.Boolean(),
  price_id: Nullable(Type.String()),
  product_id: Nullable(Type.String()),
  tax_rate_ids: Nullable(
    Type.Array(Type.String(), {
      description: "null: the account's default rates when each period's order is made",
    }),
  ),
  tax_exempt: Type.Boolean(),
});

const Terms = {
  currency: Type.String({ description: 'ISO 4217, upper-case' }),
  interval: RecurringInterval,
  interval_count: Type.Integer(),
  trial_period_days: Nullable(Type.Integer()),
  line_items: Type.Array(PlanLine),
};

export const Plan = Type.Object({
  plan_id: Type.String(),
  object: Type.Literal('plan'),
  name: Type.String(),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  version: Type.Integer({ description: 'The current version of the terms; starts at 1' }),
  ...Terms,
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

export const PlanVersion = Type.Object({
  plan_version_id: Type.String(),
  object: Type.Literal('plan_version'),
  plan_id: Type.String(),
  version: Type.Integer(),
  ...Terms,
  ...ModeAndTimes,
});

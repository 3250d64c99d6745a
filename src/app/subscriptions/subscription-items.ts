import type { Kysely } from 'kysely';
import { selectPlanById } from '../../adapters/db/repos/plans-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { SubscriptionItem, SubscriptionRow } from '../../adapters/db/schema-subscriptions.js';
import { type Failure, fail, ok, type Result } from '../../domain/errors.js';
import { seatQuantity } from '../../domain/plans/plan-terms.js';
import type { Tenant } from '../../domain/tenant.js';
import { planTermsOf } from '../plans/plan-versions.js';
import { newId } from '../shared/ids.js';

export interface SubscriptionItemInput {
  readonly plan_id: string;
  /** Seats: multiplies the plan's per-seat lines (1 when not given). */
  readonly quantity?: number | undefined;
  /** A plan version other than the current one (e.g. to keep a grandfathered price). */
  readonly plan_version?: number | undefined;
}

/** What every item of a subscription shares, and the longest trial its plans offer. */
export interface ItemTerms {
  readonly currency: string;
  readonly interval: SubscriptionRow['interval'];
  readonly interval_count: number;
  readonly trial_period_days: number | null;
}

const at = (...loc: (string | number)[]) => ['subscription', ...loc];
const invalid = (message: string, ...loc: (string | number)[]): Failure => ({
  code: 'parameter_invalid',
  message,
  loc: at(...loc),
});

/** Every line's quantity times the item's seats stays within an order line's limit. */
function seatsFit(item: SubscriptionItem, index: number): Result<null> {
  for (const line of item.lines) {
    const fits = seatQuantity(line, item.quantity, at('items', index, 'quantity'));
    if (!fits.ok) return fits;
  }
  return ok(null);
}

/**
 * The items' plan versions, frozen; every plan on one currency and billing interval. A
 * change (`base`) keeps the subscription's currency; its interval too, unless every item
 * moves to plans (or versions) of one other interval: the answer's `terms` say which.
 */
export async function itemsOf(
  db: Kysely<Database>,
  tenant: Tenant,
  inputs: readonly SubscriptionItemInput[],
  /** A change: the subscription's items (kept frozen unless a version is named) and terms. */
  base?: { readonly items: readonly SubscriptionItem[]; readonly terms: ItemTerms },
): Promise<Result<{ items: SubscriptionItem[]; terms: ItemTerms }>> {
  const items: SubscriptionItem[] = [];
  let first: ItemTerms | undefined = base?.terms;
  // The interval the items bill on: the kept items' (the subscription's), else the first
  // new plan's.
  let cadence: Pick<ItemTerms, 'interval' | 'interval_count'> | undefined;
  const same = (a: Pick<ItemTerms, 'interval' | 'interval_count'>, b: typeof a) =>
    a.interval === b.interval && a.interval_count === b.interval_count;
  const sameInterval = (
    terms: Pick<ItemTerms, 'interval' | 'interval_count'> & { readonly plan_id: string },
    i: number,
    expected: Pick<ItemTerms, 'interval' | 'interval_count'>,
  ): Result<null> =>
    same(terms, expected)
      ? ok(null)
      : fail(
          invalid(
            `Plan ${terms.plan_id} bills every ${terms.interval_count} ${terms.interval}, the subscription's other items every ${expected.interval_count} ${expected.interval}: one subscription has one billing interval`,
            'items',
            i,
            'plan_id',
          ),
        );
  if (base && inputs.some((input) => keptItem(base.items, input))) cadence = base.terms;
  for (const [i, input] of inputs.entries()) {
    if (inputs.findIndex((o) => o.plan_id === input.plan_id) !== i) {
      return fail(
        invalid('A plan appears once; give it a quantity instead', 'items', i, 'plan_id'),
      );
    }
    const kept = base && keptItem(base.items, input);
    if (kept) {
      const item = { ...kept, quantity: input.quantity ?? kept.quantity };
      const seats = seatsFit(item, i);
      if (!seats.ok) return seats;
      items.push(item);
      continue;
    }
    const found = await planTermsOf(db, tenant, {
      planId: input.plan_id,
      version: input.plan_version,
    });
    if (!found.ok) return fail({ ...found.error, loc: at('items', i, 'plan_id') });
    const terms = found.value;
    const plan = await selectPlanById(db, tenant, input.plan_id);
    if (!plan?.active) return fail(invalid('The plan is archived', 'items', i, 'plan_id'));
    if (first && terms.currency !== first.currency) {
      return fail({
        code: 'currency_mismatch',
        message: `Plan ${terms.plan_id} bills in ${terms.currency}, the subscription in ${first.currency}`,
        loc: at('items', i, 'plan_id'),
      });
    }
    if (cadence) {
      const fits = sameInterval(terms, i, cadence);
      if (!fits.ok) return fits;
    }
    cadence ??= terms;
    first ??= {
      currency: terms.currency,
      interval: terms.interval,
      interval_count: terms.interval_count,
      trial_period_days: terms.trial_period_days,
    };
    if ((terms.trial_period_days ?? 0) > (first.trial_period_days ?? 0)) {
      first = { ...first, trial_period_days: terms.trial_period_days };
    }
    const item: SubscriptionItem = {
      id: newId('si'),
      plan_id: terms.plan_id,
      plan_version: terms.version,
      plan_name: plan.name,
      quantity: input.quantity ?? 1,
      lines: terms.lines.map((line) => ({
        name: line.name,
        unit_amount: line.unit_amount,
        quantity: line.quantity,
        per_seat: line.per_seat,
        price_id: line.price_id,
        product_id: line.product_id,
        tax_rate_ids: line.tax_rate_ids,
        tax_exempt: line.tax_exempt,
      })),
    };
    const seats = seatsFit(item, i);
    if (!seats.ok) return seats;
    items.push(item);
  }
  if (!first || !cadence) return fail(invalid('A subscription has at least one item', 'items'));
  return ok({
    items,
    terms: { ...first, interval: cadence.interval, interval_count: cadence.interval_count },
  });
}

/** The subscription's item a change keeps as it is: same plan, no other version named. */
function keptItem(
  items: readonly SubscriptionItem[],
  input: SubscriptionItemInput,
): SubscriptionItem | undefined {
  const kept = items.find((item) => item.plan_id === input.plan_id);
  return kept && (input.plan_version === undefined || input.plan_version === kept.plan_version)
    ? kept
    : undefined;
}

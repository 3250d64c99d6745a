import type { Kysely } from 'kysely';
import {
  selectPricesByIds,
  selectProductsByIds,
  selectTaxRatesByIds,
} from '../../adapters/db/repos/catalog-lookups-repo.js';
import type { Database, PriceRow, ProductRow, TaxRateRow } from '../../adapters/db/schema.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import {
  checkAmounts,
  checkPriceFits,
  type PlanLine,
  type PlanTermsFields,
} from '../../domain/plans/plan-terms.js';
import type { Tenant } from '../../domain/tenant.js';

/**
 * A plan's line as a client sends it: by a recurring price of the plan's interval
 * (`price_id`, its amount copied in) or ad hoc (`name` + `unit_amount`). Tax as an order
 * line takes it: its own `tax_rate_ids`, else the account's defaults, none when exempt.
 */
export interface PlanLineInput {
  readonly price_id?: string | undefined;
  readonly name?: string | undefined;
  readonly unit_amount?: number | undefined;
  readonly quantity?: number | undefined;
  /** Multiplied by a subscription's quantity (seats); true when not given. */
  readonly per_seat?: boolean | undefined;
  readonly tax_rate_ids?: readonly string[] | undefined;
  readonly tax_exempt?: boolean | undefined;
}

type Terms = Pick<PlanTermsFields, 'currency' | 'interval' | 'interval_count'>;

const at = (index: number, ...field: string[]) => ['plan', 'line_items', index, ...field];
const invalid = (message: string, loc: (string | number)[]): Failure => ({
  code: 'parameter_invalid',
  message,
  loc,
});

interface Lookups {
  readonly prices: readonly PriceRow[];
  readonly products: readonly ProductRow[];
  readonly rates: readonly TaxRateRow[];
  /** Prices and rates already on the plan: archived since, they may stay on it. */
  readonly kept: ReadonlySet<string>;
}

async function lookUp(
  db: Kysely<Database>,
  tenant: Tenant,
  inputs: readonly PlanLineInput[],
  kept: ReadonlySet<string>,
): Promise<Lookups> {
  const prices = await selectPricesByIds(db, tenant, [
    ...new Set(inputs.flatMap((l) => (l.price_id ? [l.price_id] : []))),
  ]);
  const products = await selectProductsByIds(db, tenant, [
    ...new Set(prices.map((p) => p.product_id)),
  ]);
  const rates = await selectTaxRatesByIds(db, tenant, [
    ...new Set(inputs.flatMap((l) => l.tax_rate_ids ?? [])),
  ]);
  return { prices, products, rates, kept };
}

/** A line's amount, name and product: from its price (which must fit the plan), or as given. */
function unitOf(
  input: PlanLineInput,
  index: number,
  terms: Terms,
  lk: Lookups,
): Result<Pick<PlanLine, 'name' | 'unit_amount' | 'price_id' | 'product_id'>> {
  if (!input.price_id) {
    if (input.unit_amount === undefined) {
      return fail(invalid('A line needs price_id, or name and unit_amount', at(index)));
    }
    if (!input.name) return fail(invalid('Field required', at(index, 'name')));
    return ok({
      name: input.name,
      unit_amount: input.unit_amount,
      price_id: null,
      product_id: null,
    });
  }
  if (input.unit_amount !== undefined) {
    return fail(
      invalid('A line by price takes its amount from the price', at(index, 'unit_amount')),
    );
  }
  const price = lk.prices.find((p) => p.id === input.price_id);
  if (!price) return fail({ ...missing('price'), loc: at(index, 'price_id') });
  if (!price.active && !lk.kept.has(price.id)) {
    return fail(invalid('The price is archived', at(index, 'price_id')));
  }
  const fits = checkPriceFits(price, terms, at(index, 'price_id'));
  if (!fits.ok) return fits;
  const product = lk.products.find((p) => p.id === price.product_id);
  const name = input.name ?? product?.name;
  if (!name) return fail(invalid('Field required', at(index, 'name')));
  return ok({
    name,
    unit_amount: price.unit_amount,
    price_id: price.id,
    product_id: price.product_id,
  });
}

/** A line's rates: none when exempt, its own when given (active ones), else null (defaults). */
function taxRatesOf(input: PlanLineInput, index: number, lk: Lookups): Result<string[] | null> {
  if (input.tax_exempt) return ok([]);
  if (!input.tax_rate_ids) return ok(null);
  for (const id of input.tax_rate_ids) {
    const rate = lk.rates.find((r) => r.id === id);
    if (!rate) return fail({ ...missing('tax rate'), loc: at(index, 'tax_rate_ids') });
    if (!rate.active && !lk.kept.has(id)) {
      return fail(invalid('The tax rate is archived', at(index, 'tax_rate_ids')));
    }
  }
  return ok([...new Set(input.tax_rate_ids)]);
}

/**
 * Turns a plan's line inputs into its lines: every price the caller's, recurring on the
 * plan's interval and in its currency (its amount copied in), every tax rate the caller's,
 * and one seat's period within the largest amount. `kept`: the prices and rates the plan
 * has now, which stay usable once archived.
 */
export async function resolvePlanLines(
  db: Kysely<Database>,
  tenant: Tenant,
  {
    terms,
    inputs,
    kept = [],
  }: {
    readonly terms: Terms;
    readonly inputs: readonly PlanLineInput[];
    readonly kept?: readonly PlanLine[];
  },
): Promise<Result<PlanLine[]>> {
  const keptIds = new Set(
    kept.flatMap((l) => [...(l.price_id ? [l.price_id] : []), ...(l.tax_rate_ids ?? [])]),
  );
  const lk = await lookUp(db, tenant, inputs, keptIds);
  const lines: PlanLine[] = [];
  for (const [index, input] of inputs.entries()) {
    const unit = unitOf(input, index, terms, lk);
    if (!unit.ok) return unit;
    const rates = taxRatesOf(input, index, lk);
    if (!rates.ok) return rates;
    lines.push({
      name: unit.value.name,
      unit_amount: unit.value.unit_amount,
      quantity: input.quantity ?? 1,
      per_seat: input.per_seat ?? true,
      price_id: unit.value.price_id,
      product_id: unit.value.product_id,
      tax_rate_ids: rates.value,
      tax_exempt: input.tax_exempt ?? false,
    });
  }
  const amounts = checkAmounts(lines);
  return amounts.ok ? ok(lines) : amounts;
}

/**
 * The plan's current lines under a new interval (no new lines given): each price they
 * name must recur on it. Ad hoc lines fit any interval.
 */
export async function checkKeptLines(
  db: Kysely<Database>,
  tenant: Tenant,
  { terms, lines }: { readonly terms: Terms; readonly lines: readonly PlanLine[] },
): Promise<Result<null>> {
  const ids = lines.flatMap((l) => (l.price_id ? [l.price_id] : []));
  const prices = await selectPricesByIds(db, tenant, [...new Set(ids)]);
  for (const price of prices) {
    const fits = checkPriceFits(price, terms, ['plan', 'interval']);
    if (!fits.ok) {
      return fail({
        ...fits.error,
        message: `${fits.error.message}: give line_items with prices of the new interval`,
      });
    }
  }
  return ok(null);
}

import type { Kysely } from 'kysely';
import {
  selectCurrentPrices,
  selectPricesByIds,
  selectProductsByIds,
  selectTaxRatesByIds,
} from '../../adapters/db/repos/catalog-lookups-repo.js';
import { selectDefaultTaxRates } from '../../adapters/db/repos/tax-rates-repo.js';
import type {
  Database,
  OrderLineItemRow,
  PriceRow,
  ProductRow,
  TaxRateRow,
} from '../../adapters/db/schema.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { checkStock, quantitiesByProduct } from '../../domain/inventory.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import { newId } from '../shared/ids.js';

export interface MoneyInput {
  readonly amount: number;
  readonly currency?: string | undefined;
}

/** A line as a client sends it: ad hoc (name + unit price) or by price or product. */
export interface LineItemInput {
  readonly name?: string | undefined;
  readonly quantity: number;
  readonly unit_price_money?: MoneyInput | undefined;
  readonly price_id?: string | undefined;
  readonly product_id?: string | undefined;
  /** Overrides the account's default rates for this line. */
  readonly tax_rate_ids?: readonly string[] | undefined;
  readonly tax_exempt?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface ResolvedLines {
  readonly lines: OrderLineItemRow[];
  /** The rates lines name themselves, and the account's defaults (what the lines use). */
  readonly explicitRates: TaxRateRow[];
  readonly defaultRates: TaxRateRow[];
}

const at = (index: number, ...field: string[]) => ['order', 'line_items', index, ...field];

/**
 * The order's currency: the one it names, else the account's default — never a line's.
 * Every line, shipping and tip must then be in it (a line naming another is a 422
 * `currency_mismatch` at that line), so a price in EUR cannot silently make a USD
 * account's order an EUR one.
 */
export function orderCurrency(
  requested: string | undefined,
  accountDefault: string,
): Result<string> {
  if (requested === undefined) return ok(accountDefault);
  const currency = normalizeCurrency(requested);
  return currency
    ? ok(currency)
    : fail({
        code: 'parameter_invalid',
        message: `Unknown currency: ${requested}`,
        loc: ['order', 'currency'],
      });
}

function currencyFailure(index: number, field: string[], found: string, currency: string): Failure {
  return {
    code: 'currency_mismatch',
    message: `Line item ${index} is in ${found}, the order in ${currency}`,
    loc: at(index, ...field),
  };
}

/** Everything the lines refer to, fetched in a few batch queries. */
interface LineLookups {
  readonly currency: string;
  readonly prices: readonly PriceRow[];
  readonly products: readonly ProductRow[];
  /** The newest active price of each product named without a price, in the order currency. */
  readonly currentPrices: readonly PriceRow[];
  readonly explicitRates: TaxRateRow[];
  readonly defaultRates: TaxRateRow[];
  /** Archived prices, products and tax rates are billed as they were (a subscription's). */
  readonly keepArchived: boolean;
}

async function lookUp(
  db: Kysely<Database>,
  tenant: Tenant,
  currency: string,
  inputs: readonly LineItemInput[],
  defaultRates: readonly TaxRateRow[] | undefined,
  keepArchived: boolean,
): Promise<LineLookups> {
  const priceIds = inputs.flatMap((l) => (l.price_id ? [l.price_id] : []));
  const prices = await selectPricesByIds(db, tenant, priceIds);
  const productIds = new Set([
    ...inputs.flatMap((l) => (l.product_id ? [l.product_id] : [])),
    ...prices.map((p) => p.product_id),
  ]);
  const unpriced = inputs.flatMap((l) => (l.product_id && !l.price_id ? [l.product_id] : []));
  const rateIds = [...new Set(inputs.flatMap((l) => l.tax_rate_ids ?? []))];
  return {
    currency,
    prices,
    products: await selectProductsByIds(db, tenant, [...productIds]),
    currentPrices: await selectCurrentPrices(db, tenant, unpriced, currency),
    explicitRates: await selectTaxRatesByIds(db, tenant, rateIds),
    defaultRates: defaultRates ? [...defaultRates] : await selectDefaultTaxRates(db, tenant),
    keepArchived,
  };
}

const invalid = (message: string, loc: (string | number)[]): Failure => ({
  code: 'parameter_invalid',
  message,
  loc,
});

/**
 * A line's unit amount, product and the price that set the amount: from its price, its
 * own unit price (no price), or its product's current price.
 */
function unitOf(
  input: LineItemInput,
  index: number,
  lk: LineLookups,
): Result<{ unitAmount: number; product: ProductRow | undefined; priceId: string | null }> {
  const productOf = (id: string | null | undefined) =>
    id ? lk.products.find((p) => p.id === id) : undefined;
  if (input.price_id) {
    const price = lk.prices.find((p) => p.id === input.price_id);
    if (!price) return fail({ ...missing('price'), loc: at(index, 'price_id') });
    if (!price.active && !lk.keepArchived)
      return fail(invalid('The price is archived', at(index, 'price_id')));
    if (input.product_id && input.product_id !== price.product_id) {
      return fail(invalid('The price belongs to another product', at(index, 'product_id')));
    }
    if (price.currency !== lk.currency) {
      return fail(currencyFailure(index, ['price_id'], price.currency, lk.currency));
    }
    const product = productOf(price.product_id);
    if (product && !product.active && !lk.keepArchived) {
      return fail(invalid('The product is archived', at(index, 'price_id')));
    }
    return ok({ unitAmount: price.unit_amount, product, priceId: price.id });
  }
  const product = productOf(input.product_id);
  if (input.product_id && !product) {
    return fail({ ...missing('product'), loc: at(index, 'product_id') });
  }
  if (product && !product.active && !lk.keepArchived) {
    return fail(invalid('The product is archived', at(index, 'product_id')));
  }
  if (input.unit_price_money) {
    const given = input.unit_price_money.currency;
    if (given !== undefined && normalizeCurrency(given) !== lk.currency) {
      return fail(currencyFailure(index, ['unit_price_money', 'currency'], given, lk.currency));
    }
    return ok({ unitAmount: input.unit_price_money.amount, product, priceId: null });
  }
  if (!product) {
    return fail(invalid('A line item needs unit_price_money, price_id or product_id', at(index)));
  }
  const price = lk.currentPrices.find((p) => p.product_id === product.id);
  if (!price) {
    return fail(
      invalid(`The product has no active price in ${lk.currency}`, at(index, 'product_id')),
    );
  }
  return ok({ unitAmount: price.unit_amount, product, priceId: price.id });
}

/** A line's rates: none when exempt, its own when given, else the account's defaults. */
function taxRatesOf(input: LineItemInput, index: number, lk: LineLookups): Result<string[]> {
  if (input.tax_exempt) return ok([]);
  if (!input.tax_rate_ids) return ok(lk.defaultRates.map((r) => r.id));
  for (const id of input.tax_rate_ids) {
    const rate = lk.explicitRates.find((r) => r.id === id);
    if (!rate) return fail({ ...missing('tax rate'), loc: at(index, 'tax_rate_ids') });
    if (!rate.active && !lk.keepArchived)
      return fail(invalid('The tax rate is archived', at(index, 'tax_rate_ids')));
  }
  return ok([...new Set(input.tax_rate_ids)]);
}

/**
 * Turns line inputs into rows: resolves prices and products (the caller's only),
 * checks every amount is in the order's currency, fixes each line's tax rates
 * (its own, else the account's defaults, none when exempt) and checks tracked stock.
 */
export async function resolveLines(
  db: Kysely<Database>,
  tenant: Tenant,
  {
    orderId,
    currency,
    inputs,
    defaultRates,
    keepArchived = false,
  }: {
    readonly orderId: string;
    readonly currency: string;
    readonly inputs: readonly LineItemInput[];
    /** The account's default rates, when the caller has read them already. */
    readonly defaultRates?: readonly TaxRateRow[] | undefined;
    /**
     * Bill archived prices, products and tax rates as they were: a subscription's period
     * bills what was sold (as Stripe keeps billing an archived price); a new sale may not.
     */
    readonly keepArchived?: boolean | undefined;
  },
): Promise<Result<ResolvedLines>> {
  const lk = await lookUp(db, tenant, currency, inputs, defaultRates, keepArchived);
  const rows: OrderLineItemRow[] = [];
  for (const [index, input] of inputs.entries()) {
    const unit = unitOf(input, index, lk);
    if (!unit.ok) return unit;
    const taxRateIds = taxRatesOf(input, index, lk);
    if (!taxRateIds.ok) return taxRateIds;
    const name = input.name ?? unit.value.product?.name;
    if (!name) return fail(invalid('Field required', at(index, 'name')));
    rows.push({
      id: newId('li'),
      order_id: orderId,
      position: index + 1,
      name,
      quantity: input.quantity,
      unit_amount: unit.value.unitAmount,
      product_id: unit.value.product?.id ?? null,
      price_id: unit.value.priceId,
      tax_rate_ids: taxRateIds.value,
      tax_exempt: input.tax_exempt ?? false,
      metadata: withoutEmptyValues(input.metadata ?? {}),
    });
  }
  const stock = checkStock(quantitiesByProduct(rows), lk.products);
  if (!stock.ok) return stock;
  return ok({ lines: rows, explicitRates: lk.explicitRates, defaultRates: lk.defaultRates });
}

import type { Kysely } from 'kysely';
import {
  selectCurrentPrices,
  selectDefaultTaxRates,
  selectPricesByIds,
  selectProductsByIds,
  selectTaxRatesByIds,
} from '../adapters/db/repos/order-inputs-repo.js';
import type { Database, OrderLineItemRow, ProductRow, TaxRateRow } from '../adapters/db/schema.js';
import { normalizeCurrency } from '../domain/currency.js';
import { type Failure, fail, missing, ok, type Result } from '../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../domain/metadata.js';
import type { Tenant } from '../domain/tenant.js';
import { newId } from './ids.js';

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

/** The order's currency: given, else the first line's, else the account's default. */
export async function orderCurrency(
  db: Kysely<Database>,
  tenant: Tenant,
  requested: string | undefined,
  lines: readonly LineItemInput[],
  accountDefault: string,
): Promise<Result<string>> {
  if (requested !== undefined) {
    const currency = normalizeCurrency(requested);
    return currency
      ? ok(currency)
      : fail({
          code: 'parameter_invalid',
          message: `Unknown currency: ${requested}`,
          loc: ['order', 'currency'],
        });
  }
  const first = lines[0];
  if (first?.unit_price_money?.currency) {
    const currency = normalizeCurrency(first.unit_price_money.currency);
    if (currency) return ok(currency);
  }
  if (first?.price_id) {
    const [price] = await selectPricesByIds(db, tenant, [first.price_id]);
    if (price) return ok(price.currency);
  }
  return ok(accountDefault);
}

function currencyFailure(index: number, field: string[], found: string, currency: string): Failure {
  return {
    code: 'currency_mismatch',
    message: `Line item ${index} is in ${found}, the order in ${currency}`,
    loc: at(index, ...field),
  };
}

/**
 * Turns line inputs into rows: resolves prices and products (the caller's only),
 * checks every amount is in the order's currency, fixes each line's tax rates
 * (its own, else the account's defaults, none when exempt) and checks tracked stock.
 */
export async function resolveLines(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
  currency: string,
  inputs: readonly LineItemInput[],
): Promise<Result<ResolvedLines>> {
  const prices = await selectPricesByIds(
    db,
    tenant,
    inputs.flatMap((l) => (l.price_id ? [l.price_id] : [])),
  );
  const productIds = [
    ...new Set([
      ...inputs.flatMap((l) => (l.product_id ? [l.product_id] : [])),
      ...prices.map((p) => p.product_id),
    ]),
  ];
  const products = await selectProductsByIds(db, tenant, productIds);
  const current = await selectCurrentPrices(
    db,
    tenant,
    inputs.flatMap((l) => (l.product_id && !l.price_id ? [l.product_id] : [])),
    currency,
  );
  const explicitRateIds = [...new Set(inputs.flatMap((l) => l.tax_rate_ids ?? []))];
  const explicitRates = await selectTaxRatesByIds(db, tenant, explicitRateIds);
  const defaultRates = await selectDefaultTaxRates(db, tenant);
  const defaults = defaultRates.map((r) => r.id);

  const rows: OrderLineItemRow[] = [];
  for (const [index, input] of inputs.entries()) {
    let unitAmount: number;
    let productId = input.product_id ?? null;
    let name = input.name;
    if (input.price_id) {
      const price = prices.find((p) => p.id === input.price_id);
      if (!price) return fail({ ...missing('price'), loc: at(index, 'price_id') });
      if (!price.active) {
        return fail({
          code: 'parameter_invalid',
          message: 'The price is archived',
          loc: at(index, 'price_id'),
        });
      }
      if (productId && productId !== price.product_id) {
        return fail({
          code: 'parameter_invalid',
          message: 'The price belongs to another product',
          loc: at(index, 'product_id'),
        });
      }
      if (price.currency !== currency)
        return fail(currencyFailure(index, ['price_id'], price.currency, currency));
      productId = price.product_id;
      unitAmount = price.unit_amount;
    } else if (input.unit_price_money) {
      const given = input.unit_price_money.currency;
      const lineCurrency = given === undefined ? currency : normalizeCurrency(given);
      if (lineCurrency !== currency) {
        return fail(
          currencyFailure(index, ['unit_price_money', 'currency'], given ?? '', currency),
        );
      }
      unitAmount = input.unit_price_money.amount;
    } else if (productId) {
      const price = current.find((p) => p.product_id === productId);
      if (!products.some((p) => p.id === productId)) {
        return fail({ ...missing('product'), loc: at(index, 'product_id') });
      }
      if (!price) {
        return fail({
          code: 'parameter_invalid',
          message: `The product has no active price in ${currency}`,
          loc: at(index, 'product_id'),
        });
      }
      unitAmount = price.unit_amount;
    } else {
      return fail({
        code: 'parameter_invalid',
        message: 'A line item needs unit_price_money, price_id or product_id',
        loc: at(index),
      });
    }
    const product = productId ? products.find((p) => p.id === productId) : undefined;
    if (productId && !product) return fail({ ...missing('product'), loc: at(index, 'product_id') });
    name ??= product?.name;
    if (!name)
      return fail({ code: 'parameter_invalid', message: 'Field required', loc: at(index, 'name') });

    let taxRateIds: string[] = [];
    if (!input.tax_exempt) {
      if (input.tax_rate_ids) {
        for (const id of input.tax_rate_ids) {
          if (!explicitRates.some((r) => r.id === id))
            return fail({ ...missing('tax rate'), loc: at(index, 'tax_rate_ids') });
        }
        taxRateIds = [...new Set(input.tax_rate_ids)];
      } else {
        taxRateIds = defaults;
      }
    }
    rows.push({
      id: newId('li'),
      order_id: orderId,
      position: index + 1,
      name,
      quantity: input.quantity,
      unit_amount: unitAmount,
      product_id: productId,
      price_id: input.price_id ?? null,
      tax_rate_ids: taxRateIds,
      tax_exempt: input.tax_exempt ?? false,
      metadata: withoutEmptyValues(input.metadata ?? {}),
    });
  }
  const stock = checkStock(rows, products);
  if (!stock.ok) return stock;
  return ok({ lines: rows, explicitRates, defaultRates });
}

/** Tracked products must have enough stock for every line that sells them. */
function checkStock(
  lines: readonly OrderLineItemRow[],
  products: readonly ProductRow[],
): Result<void> {
  for (const product of products) {
    if (!product.inventory_tracked) continue;
    const wanted = lines
      .filter((l) => l.product_id === product.id)
      .reduce((n, l) => n + l.quantity, 0);
    const available = product.inventory_quantity ?? 0;
    if (wanted > available) {
      return fail({
        code: 'out_of_stock',
        message: `Only ${available} of ${product.name} in stock`,
        loc: ['order', 'line_items'],
        details: { product_id: product.id, available, requested: wanted },
      });
    }
  }
  return ok(undefined);
}

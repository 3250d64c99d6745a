import { writeAsOne } from '../../adapters/db/one-statement.js';
import {
  selectPricesByIds,
  selectProductsByIds,
} from '../../adapters/db/repos/catalog-lookups-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  insertPaymentLinkQuery,
  listPaymentLinks as listRows,
  lockPaymentLinkById,
  selectPaymentLinkById,
  selectPublicPaymentLink,
  updatePaymentLinkQuery,
} from '../../adapters/db/repos/payment-links-repo.js';
import type { PaymentLinkLine, PaymentLinkRow } from '../../adapters/db/schema.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { CheckoutSessionView } from '../../resources/checkout-session.js';
import { paymentLinkEventObject } from '../../resources/payment-link.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';
import { acceptsPayments } from '../processors/account-processors.js';
import type { ChangeContext, CommandContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById, readPage } from '../shared/reads.js';
import { given, type MetadataUpdate, updateById } from '../shared/updates.js';
import { createCheckoutSession } from './checkout-sessions.js';
import { quantityWithin } from './payment-link-quantity.js';

export interface PaymentLinkLineInput {
  readonly price_id: string;
  readonly quantity: number;
  readonly adjustable_quantity?:
    | {
        readonly enabled: boolean;
        readonly minimum?: number | undefined;
        readonly maximum?: number | undefined;
      }
    | undefined;
}

export interface CreatePaymentLinkInput {
  readonly line_items: readonly PaymentLinkLineInput[];
  readonly after_completion?: { readonly redirect_url: string } | undefined;
  /** Where the checkout page's "Cancel" link goes; none when not given. */
  readonly cancel_url?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface UpdatePaymentLinkInput extends MetadataUpdate {
  readonly active?: boolean | undefined;
  /** A new cancel URL; null removes it. Sessions already started keep theirs. */
  readonly cancel_url?: string | null | undefined;
}

/** Bounds a buyer may choose between when none are given. */
export const ADJUSTABLE_DEFAULTS = { minimum: 1, maximum: 99 } as const;

const at = (index: number, ...field: string[]) => ['payment_link', 'line_items', index, ...field];
const invalid = (message: string, loc: (string | number)[]): Failure => ({
  code: 'parameter_invalid',
  message,
  loc,
});

function lineOf(input: PaymentLinkLineInput, index: number): Result<PaymentLinkLine> {
  const adjustable = input.adjustable_quantity;
  if (!adjustable?.enabled) {
    return ok({ price_id: input.price_id, quantity: input.quantity, adjustable_quantity: null });
  }
  const minimum = adjustable.minimum ?? ADJUSTABLE_DEFAULTS.minimum;
  const maximum = adjustable.maximum ?? Math.max(ADJUSTABLE_DEFAULTS.maximum, input.quantity);
  if (minimum > maximum) {
    return fail(invalid('minimum must not exceed maximum', at(index, 'adjustable_quantity')));
  }
  if (input.quantity < minimum || input.quantity > maximum) {
    return fail(
      invalid(`quantity must be between ${minimum} and ${maximum}`, at(index, 'quantity')),
    );
  }
  return ok({
    price_id: input.price_id,
    quantity: input.quantity,
    adjustable_quantity: { enabled: true, minimum, maximum },
  });
}

/** Every price must be the caller's, active, of an active product, and in one currency. */
async function checkPrices(
  deps: Deps,
  tenant: Tenant,
  lines: readonly PaymentLinkLine[],
): Promise<Result<string>> {
  const prices = await selectPricesByIds(deps.db, tenant, [
    ...new Set(lines.map((l) => l.price_id)),
  ]);
  const products = await selectProductsByIds(deps.db, tenant, [
    ...new Set(prices.map((p) => p.product_id)),
  ]);
  let currency: string | null = null;
  for (const [index, line] of lines.entries()) {
    const price = prices.find((p) => p.id === line.price_id);
    if (!price) return fail({ ...missing('price'), loc: at(index, 'price_id') });
    if (!price.active) return fail(invalid('The price is archived', at(index, 'price_id')));
    if (products.find((p) => p.id === price.product_id)?.active === false) {
      return fail(invalid('The product is archived', at(index, 'price_id')));
    }
    if (currency !== null && price.currency !== currency) {
      return fail({
        code: 'currency_mismatch',
        message: `Line item ${index} is in ${price.currency}, the link in ${currency}`,
        loc: at(index, 'price_id'),
      });
    }
    currency = price.currency;
  }
  if (currency === null) throw new Error('a payment link has at least one line');
  return ok(currency);
}

export async function createPaymentLink(
  { deps, tenant, actor }: ChangeContext,
  input: CreatePaymentLinkInput,
): Promise<Result<PaymentLinkRow>> {
  const lines: PaymentLinkLine[] = [];
  for (const [index, item] of input.line_items.entries()) {
    const line = lineOf(item, index);
    if (!line.ok) return line;
    lines.push(line.value);
  }
  const currency = await checkPrices(deps, tenant, lines);
  if (!currency.ok) return currency;
  const now = deps.clock.now();
  const row: PaymentLinkRow = {
    ...newOwnedRow('plink', tenant),
    active: true,
    currency: currency.value,
    line_items: lines,
    redirect_url: input.after_completion?.redirect_url ?? null,
    cancel_url: input.cancel_url ?? null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  await writeAsOne(deps.db, [
    insertPaymentLinkQuery(deps.db, row),
    insertEventsQuery(deps.db, [
      linkEvent({ tenant, actor }, { type: 'payment_link.created', row }),
    ]),
  ]);
  return ok(row);
}

export const getPaymentLink = readById('payment link', selectPaymentLinkById);

export const listPaymentLinks = readPage(listRows);

/** Turns a link on or off, sets its cancel URL and merges its metadata; the row is locked so no update is lost. */
export function updatePaymentLink(
  { deps, tenant, actor }: ChangeContext,
  update: Update<UpdatePaymentLinkInput>,
): Promise<Result<PaymentLinkRow>> {
  return updateById({
    name: 'payment link',
    lock: lockPaymentLinkById,
    apply: (current: PaymentLinkRow, input: UpdatePaymentLinkInput) =>
      ok(given(current, input, ['active', 'cancel_url'])),
    write: (tx, tenant, id, changes, current, next) =>
      writeAsOne(
        tx,
        [
          updatePaymentLinkQuery(tx, tenant, id, changes),
          insertEventsQuery(tx, [
            linkEvent(
              { tenant, actor },
              { type: 'payment_link.updated', row: next, before: current },
            ),
          ]),
        ],
        { last: true },
      ),
  })({ deps, tenant }, update);
}

function linkEvent(
  author: EventAuthor,
  {
    type,
    row,
    before,
  }: {
    readonly type: 'payment_link.created' | 'payment_link.updated';
    readonly row: PaymentLinkRow;
    readonly before?: PaymentLinkRow;
  },
) {
  return objectEvent(author, {
    type,
    objectType: 'payment_link',
    objectId: row.id,
    object: paymentLinkEventObject(row),
    now: row.updated_at,
    previous: before ? paymentLinkEventObject(before) : undefined,
  });
}

/** What a click on a public link came to. */
export type LinkVisit =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'inactive' }
  | { readonly kind: 'quantity_invalid'; readonly message: string }
  | { readonly kind: 'unavailable'; readonly failure: Failure }
  /** Live mode without a real processor: nothing is made. */
  | { readonly kind: 'not_set_up' }
  | { readonly kind: 'session'; readonly view: CheckoutSessionView };

function lineQuantities(
  link: PaymentLinkRow,
  quantity: number | undefined,
): Result<PaymentLinkLine[]> {
  if (quantity === undefined) return ok(link.line_items);
  const [first, ...rest] = link.line_items;
  const bounds = first?.adjustable_quantity;
  if (!first || !bounds?.enabled) {
    return fail(invalid('This link has no adjustable quantity', ['quantity']));
  }
  const chosen = quantityWithin(bounds, quantity);
  if (!chosen.ok) return chosen;
  return ok([{ ...first, quantity: chosen.value }, ...rest]);
}

/**
 * A buyer opened a public link: an active one makes an order of its prices and a checkout
 * session for it (each click its own, as with Stripe's links). The link's id is the
 * capability; the account and mode come from its row.
 */
export async function visitPaymentLink(
  { deps, processors }: Pick<CommandContext, 'deps' | 'processors'>,
  {
    linkId: id,
    quantity,
    urls,
  }: {
    readonly linkId: string;
    readonly quantity?: number | undefined;
    readonly urls: { readonly success_url: string };
  },
): Promise<LinkVisit> {
  const link = await selectPublicPaymentLink(deps.db, id);
  if (!link) return { kind: 'unknown' };
  if (!link.active) return { kind: 'inactive' };
  const lines = lineQuantities(link, quantity);
  if (!lines.ok) return { kind: 'quantity_invalid', message: lines.error.message };
  const tenant: Tenant = { accountId: link.account_id, mode: link.mode };
  // No order nobody could pay: live mode without a real processor makes nothing.
  if (!(await acceptsPayments(processors, tenant))) return { kind: 'not_set_up' };
  const created = await createCheckoutSession(
    { deps, tenant, actor: { type: 'system', id: link.id } },
    {
      line_items: lines.value.map((l) => ({ price_id: l.price_id, quantity: l.quantity })),
      currency: link.currency,
      success_url: link.redirect_url ?? urls.success_url,
      // The merchant's page, never the link itself (a visit to it makes another order).
      cancel_url: link.cancel_url ?? undefined,
      metadata: { payment_link_id: link.id },
      order_metadata: { payment_link_id: link.id },
    },
  );
  return created.ok
    ? { kind: 'session', view: created.value }
    : { kind: 'unavailable', failure: created.error };
}

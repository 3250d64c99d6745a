import type { Kysely } from 'kysely';
import {
  type Write,
  writeAsOne,
  writeAsOneReturningRows,
} from '../../adapters/db/one-statement.js';
import { selectTaxRatesByIds } from '../../adapters/db/repos/catalog-lookups-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  lockOrder,
  type OrderAggregate,
  type OrderKey,
  selectOrderAggregate,
  selectOrderAggregateOnClock,
  updateOrderQuery,
} from '../../adapters/db/repos/orders-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { OrderView } from '../../resources/order.js';
import { type OrderEventType, orderEvent } from '../events/record-events.js';
import type { ChangeContext, TenantContext } from '../shared/command-context.js';
import { onClockNow } from '../test-clocks/clock-time.js';
import { priceWith, priceWithinLimits, taxRateIdsOf, withTotals } from './order-pricing.js';

/**
 * What a change to an order produced: the new aggregate, how to store its parts, and
 * `value`, what the work made besides (a refund, a settled payment), which `changeOrder`
 * answers with the order's new view.
 */
export type OrderChange<T = undefined> = OrderChangeParts &
  (undefined extends T ? { readonly value?: T } : { readonly value: T });

interface OrderChangeParts {
  readonly aggregate: OrderAggregate;
  readonly event: OrderEventType;
  /** Writes what changed besides the order row (lines, coupons); the row is written after. */
  readonly persist?: (tx: Kysely<Database>) => Promise<void>;
  /**
   * Writes of other rows (never the order's) sent in one statement with the order row
   * and the events, after `persist`: see `writeAsOne` for what they may not do.
   */
  readonly writes?: readonly Write[];
  /** Events about other objects, recorded before the order's own. */
  readonly events?: readonly NewEventRow[];
  /**
   * The request's answer for the changed order (`AnswerOnce`), written with the
   * transaction's last writes once everything else is decided.
   */
  readonly answer?: (view: OrderView) => Write;
  /**
   * Conditional writes of other rows (each with a `returning` clause) that decide the
   * rest, in the same statement: `decide` gets the rows each changed and answers with
   * more events to record (one more statement, sent with the commit, when there are
   * any), or a failure that undoes everything the change wrote.
   */
  readonly conditional?: {
    readonly writes: Readonly<Record<string, Write>>;
    readonly decide: (
      rows: Readonly<Record<string, readonly Record<string, unknown>[]>>,
    ) => Result<NewEventRow[]>;
  };
}

/**
 * Runs `work` in a transaction holding the order's lock, for changes to what the lock
 * guards (the order, its payments and refunds). `work` reads what it needs after the
 * lock (`readLockedOrder`, the aggregate a payment reserves against, or the refund it
 * answers for) and finds there whether it exists; the lock is sent with that first read,
 * in one round trip. A failure it returns undoes everything it wrote (`transact`).
 */
export async function withOrderLock<T>(
  { deps, tenant }: TenantContext,
  key: OrderKey,
  work: (tx: Kysely<Database>, now: Date) => Promise<Result<T>>,
): Promise<Result<T>> {
  return transact(deps.db, async (tx) => {
    await lockOrder(tx, tenant, key);
    return work(tx, deps.clock.now());
  });
}

/** The order, priced, read after its lock was taken; undefined when the tenant has none. */
export async function readLockedOrder(
  tx: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<OrderView | undefined> {
  const current = await selectOrderAggregate(tx, tenant, orderId);
  return current && { ...current, pricing: priceWith(current, current.taxRates) };
}

/** What `changeOrder` answers: the order's view after the change, and what the work made. */
export interface ChangedOrder<T> {
  readonly view: OrderView;
  readonly value: T;
}

/**
 * The one way an existing order changes: in a transaction, lock the order (so
 * concurrent changes are serialized and none is lost), let `change` compute the
 * new state, re-price it, bump the version, write it and its event with the
 * amounts before and after. Answers with the new view and the change's `value`.
 * An order of a customer on a test clock changes in the clock's time (read with the
 * order, no statement more).
 */
export async function changeOrder<T = undefined>(
  ctx: ChangeContext,
  orderId: string,
  change: (current: OrderView, tx: Kysely<Database>, now: Date) => Promise<Result<OrderChange<T>>>,
): Promise<Result<ChangedOrder<T>>> {
  return withOrderLock(ctx, orderId, async (tx, realNow) => {
    const read = await selectOrderAggregateOnClock(tx, ctx.tenant, orderId);
    if (!read) return fail(missing('order'));
    const { aggregate, clockTime } = read;
    const before: OrderView = { ...aggregate, pricing: priceWith(aggregate, aggregate.taxRates) };
    // In its customer's time: a change to an order of a customer on a test clock is stamped
    // with the clock's (unless the command already runs on a clock, as a job does).
    const now = onClockNow(ctx.deps.clock, clockTime, realNow);
    const changed = await change(before, tx, now);
    if (!changed.ok) return changed;
    const view = await applyOrderChange(tx, ctx, { before, change: changed.value, now });
    // `value` is absent only where `T` admits undefined (`OrderChange`'s type).
    return view.ok ? ok({ view: view.value, value: changed.value.value as T }) : view;
  });
}

/** `changeOrder` for a command that answers with the order alone. */
export async function changeOrderView(
  ctx: ChangeContext,
  orderId: string,
  change: (current: OrderView, tx: Kysely<Database>, now: Date) => Promise<Result<OrderChange>>,
): Promise<Result<OrderView>> {
  const changed = await changeOrder(ctx, orderId, change);
  return changed.ok ? ok(changed.value.view) : changed;
}

/**
 * Re-prices a changed order, bumps its version and writes it, its parts and its events
 * (the order's with the amounts before and after); the caller holds the order's lock
 * and read `before` under it.
 */
export async function applyOrderChange(
  tx: Kysely<Database>,
  { tenant, actor }: Pick<ChangeContext, 'tenant' | 'actor'>,
  {
    before,
    change,
    now,
  }: { readonly before: OrderView; readonly change: OrderChangeParts; readonly now: Date },
): Promise<Result<OrderView>> {
  const { aggregate: next, event, persist, writes = [], events = [], conditional, answer } = change;
  // Most changes keep the same rates: look up only when the order now uses others.
  const nextIds = taxRateIdsOf(next);
  const known = new Map(before.taxRates.map((r) => [r.id, r]));
  const taxRates = nextIds.every((id) => known.has(id))
    ? nextIds.flatMap((id) => known.get(id) ?? [])
    : await selectTaxRatesByIds(tx, tenant, nextIds);
  const pricing = priceWithinLimits(next, taxRates);
  if (!pricing.ok) return pricing;
  const order = withTotals(
    { ...next.order, version: before.order.version + 1, updated_at: now },
    pricing.value,
  );
  const view: OrderView = { ...next, order, taxRates, pricing: pricing.value };
  await persist?.(tx);
  const all = [
    ...writes,
    updateOrderQuery(tx, order),
    insertEventsQuery(tx, [
      ...events,
      orderEvent(
        { tenant, actor },
        { type: event, view, before: before.pricing.net, now, previous: before },
      ),
    ]),
  ];
  if (!conditional) {
    await writeAsOne(tx, answer ? [...all, answer(view)] : all, { last: true });
    return ok(view);
  }
  const decided = conditional.decide(await writeAsOneReturningRows(tx, all, conditional.writes));
  if (!decided.ok) return decided;
  const last = [
    ...(decided.value.length > 0 ? [insertEventsQuery(tx, decided.value)] : []),
    ...(answer ? [answer(view)] : []),
  ];
  if (last.length > 0) await writeAsOne(tx, last, { last: true });
  return ok(view);
}

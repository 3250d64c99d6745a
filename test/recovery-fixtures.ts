import type { Kysely } from 'kysely';
import type { Database } from '../src/adapters/db/schema.js';
import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import type {
  ChargeRequest,
  PaymentProcessor,
  RefundRequest,
} from '../src/ports/payment-processor.js';
import { request, type TestServer } from './harness.js';

/**
 * The real sandbox, recording every charge and refund it is asked for; the next call of
 * either kind can be held until released (a process stuck, then killed, mid-request).
 */
export function recordingSandbox() {
  const sandbox = createSandboxProcessor();
  const charges: ChargeRequest[] = [];
  const refunds: RefundRequest[] = [];
  let held: { kind: 'charge' | 'refund'; gate: Promise<void>; reached: () => void } | null = null;
  const wait = async (kind: 'charge' | 'refund') => {
    const hold = held;
    if (hold?.kind !== kind) return;
    held = null;
    hold.reached();
    await hold.gate;
  };
  const processor: PaymentProcessor = {
    ...sandbox,
    async charge(req) {
      charges.push(req);
      await wait('charge');
      return sandbox.charge(req);
    },
    async refund(req) {
      refunds.push(req);
      await wait('refund');
      return sandbox.refund(req);
    },
  };
  /** Holds the next call of `kind`: `reached` resolves when it arrives, `release` lets it go on. */
  const holdNext = (kind: 'charge' | 'refund') => {
    let release = () => {};
    let reached = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    held = { kind, gate, reached };
    return { arrived, release };
  };
  return { processor, charges, refunds, holdNext };
}

/**
 * The server's database with the idempotency layer's separate completion made impossible
 * (running an update of `idempotency_keys` outside a transaction throws), as if the
 * process died right after its last commit: only what a command wrote in its own
 * transactions, or in its own one statement, lands. The update can still be built: a
 * command may send it inside its own statement (`createOrder`'s CTEs).
 */
export function withoutSeparateCompletion(db: Kysely<Database>): Kysely<Database> {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'updateTable') {
        return (table: string) => {
          const update = target.updateTable(table as 'idempotency_keys');
          return table === 'idempotency_keys' ? dyingWhenRun(update) : update;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const RUNS = new Set<PropertyKey>(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);

/** A query builder (and every builder it returns) that throws when it is run. */
function dyingWhenRun<T extends object>(builder: T): T {
  return new Proxy(builder, {
    get(target, property) {
      if (RUNS.has(property)) {
        return () => {
          throw new Error('the process died');
        };
      }
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result && typeof result === 'object' && 'execute' in result
          ? dyingWhenRun(result)
          : result;
      };
    },
  });
}

export async function openOrder(server: TestServer, key: string, amount = 3000): Promise<string> {
  const res = await request(server, 'POST', '/v1/orders', {
    key,
    body: {
      order: {
        line_items: [{ name: 'Thing', quantity: 1, unit_price_money: { amount, currency: 'USD' } }],
      },
    },
  });
  if (res.status !== 200) throw new Error(`order creation failed: ${res.text}`);
  return res.body.order.order_id as string;
}

/** A POST with an Idempotency-Key. */
export function keyedPost(
  server: Pick<TestServer, 'url'>,
  key: string,
  path: string,
  body: unknown,
  idempotencyKey: string,
) {
  return request(server, 'POST', path, {
    key,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

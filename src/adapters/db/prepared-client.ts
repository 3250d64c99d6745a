import pg from 'pg';

/**
 * How many statements a connection keeps prepared (pgx, Go's driver, keeps 512); beyond
 * it, new statements run unnamed as before. Bounds the server's memory when query shapes
 * vary (IN lists of different lengths); the hot statements are prepared first.
 */
export const MAX_PREPARED_PER_CONNECTION = 256;

type Query = (...args: unknown[]) => unknown;

/**
 * Whether PostgreSQL refused a prepared statement that went stale: its result type
 * changed under it (a migration added a column to a `select *`), or it no longer
 * exists (a pooler or `DISCARD ALL` dropped it). Matched on codes and the routine that
 * raised it, never on the (translatable) message.
 */
function isStale(error: unknown): boolean {
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  return (code === '0A000' && routine === 'RevalidateCachedQuery') || code === '26000';
}

/**
 * A pg client that prepares each parameterized statement once per connection (a named
 * statement) instead of letting PostgreSQL parse and plan it on every call: Kysely
 * sends the same text for the same query shape, so from the second call on only Bind and
 * Execute remain, about half the server's work for Flint's short statements. A stale
 * statement is forgotten and prepared anew on its next use; outside a transaction the
 * failed call is retried at once, unnamed.
 */
export class PreparingClient extends pg.Client {
  readonly #names = new Map<string, string>();
  /** Forgotten statements still held by the server, dropped once no transaction is open. */
  readonly #stale: string[] = [];
  #next = 0;

  override query(...args: unknown[]): never {
    const run = super.query.bind(this) as Query;
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback) {
      return run(...args) as never;
    }
    const idle = this.getTransactionStatus() === 'I';
    if (idle && this.#stale.length > 0) {
      // Queued ahead of this query; a statement the server no longer has is no error here.
      for (const stale of this.#stale.splice(0)) {
        (run(`deallocate "${stale}"`) as Promise<unknown>).catch(() => {});
      }
    }
    let name = this.#names.get(text);
    if (name === undefined) {
      if (this.#names.size >= MAX_PREPARED_PER_CONNECTION) return run(text, values) as never;
      this.#next += 1;
      name = `flint_${this.#next}`;
      this.#names.set(text, name);
    }
    const named = name;
    return (run({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
      if (!isStale(error)) throw error;
      this.#names.delete(text);
      this.#stale.push(named);
      if (!idle) throw error; // the transaction is aborted: its caller decides
      return run(text, values);
    }) as never;
  }
}

import type { PGlite } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Kysely over PGlite. PGlite is one session, so its statements run one after another, in
 * the order they were sent, and a transaction has it to itself from `begin` to `commit`:
 * a statement outside it waits for its end (as one would wait for a pool's connection).
 * Kysely 0.29 ships such a dialect but needs Node 22; 0.28 runs on Node 20.
 */
export class PgliteDialect implements Dialect {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  createAdapter() {
    return new PgliteAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.#pglite);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

/** One connection: the migrator holds it from its lock to its unlock, nothing to add. */
class PgliteAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class PgliteDriver implements Driver {
  readonly #pglite: PGlite;
  /** Every statement, in the order sent. */
  #statements: Promise<unknown> = Promise.resolve();
  /** The transaction running now, if any: resolves at its end. */
  #transaction: Promise<void> | undefined;
  #endTransaction: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  /** Queued at once (no await between the check and the queueing): order is kept. */
  #send<R>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    const result = this.#statements.then(async () => {
      const { affectedRows, rows } = await this.#pglite.query<R>(sql, [...parameters], {
        rowMode: 'object',
      });
      return {
        ...(affectedRows != null ? { numAffectedRows: BigInt(affectedRows) } : {}),
        rows: rows ?? [],
      };
    });
    this.#statements = result.catch(() => {});
    return result;
  }

  async execute<R>(
    connection: PgliteConnection,
    sql: string,
    parameters: readonly unknown[],
  ): Promise<QueryResult<R>> {
    while (this.#transaction && !connection.inTransaction) await this.#transaction;
    return this.#send<R>(sql, parameters);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(this);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    while (this.#transaction) await this.#transaction;
    this.#transaction = new Promise((resolve) => {
      this.#endTransaction = resolve;
    });
    (connection as PgliteConnection).inTransaction = true;
    await this.#finishing(connection, 'begin', false);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#finishing(connection, 'commit', true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#finishing(connection, 'rollback', true);
  }

  /** Runs a transaction's statement; its end (or a failed begin) lets the others run. */
  async #finishing(connection: DatabaseConnection, sql: string, ends: boolean): Promise<void> {
    let failed = true;
    try {
      await this.#send(sql, []);
      failed = false;
    } finally {
      if (ends || failed) {
        (connection as PgliteConnection).inTransaction = false;
        const end = this.#endTransaction;
        this.#transaction = undefined;
        this.#endTransaction = undefined;
        end?.();
      }
    }
  }

  async destroy(): Promise<void> {
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

/** One caller's handle: statements go through the driver, which orders them. */
class PgliteConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(private readonly driver: PgliteDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, query.sql, query.parameters);
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors to stream from
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by PGlite.');
  }
}

import { sql } from 'kysely';
import type { TransactionStatus } from 'pg';
import { PreparingClient } from './prepared-client.js';

/**
 * Ends a statement whose caller does not read its answer (a row lock: what it guards is
 * read by the next statement): `.modifyEnd(SENT_WITH_NEXT)`. On PostgreSQL it is sent
 * with the next statement, in one write and one round trip; its answer is empty.
 */
export const SENT_WITH_NEXT_TEXT = '/* flint:sent-with-next */';
export const SENT_WITH_NEXT = sql.raw(SENT_WITH_NEXT_TEXT);

type Query = (...args: unknown[]) => Promise<unknown>;
type Settled = { readonly error: unknown } | undefined;

/** What a deferred statement answers at once: no rows (the caller reads none). */
const NO_ANSWER = { command: 'SELECT', rowCount: 0, rows: [], fields: [] };

/**
 * A pipelining client (`pipeline: true`) that holds back `begin` and statements marked
 * `SENT_WITH_NEXT` until the next statement, then writes them all at once: a transaction
 * that locks a row and reads what the lock guards costs one round trip instead of
 * three. Each is still its own statement, run in order with its own snapshot, exactly
 * as if sent one by one; a held-back statement that failed fails the statement it went
 * with (in a transaction the later ones would only say it was aborted). Only statements
 * inside a transaction are held back (its commit or rollback always follows); if nothing
 * follows by the end of the event loop's turn, they are sent alone.
 */
export class DeferringClient extends PreparingClient {
  readonly #held: Promise<Settled>[] = [];
  #corked = false;
  /** A `begin` sent (or held) whose answer has not come yet: already in a transaction. */
  #beginning = 0;

  override getTransactionStatus(): TransactionStatus {
    return this.#beginning > 0 ? 'T' : super.getTransactionStatus();
  }

  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const send = super.query.bind(this) as Query;
    if (typeof text !== 'string' || callback) return this.#flushWith(() => send(...args)) as never;
    const isBegin =
      text === 'begin' && (values === undefined || (values as unknown[]).length === 0);
    // Outside a transaction nothing is held back: the connection may go back to the pool
    // before anything follows, and a failure must not surface on someone else's statement.
    const held =
      isBegin || (text.endsWith(SENT_WITH_NEXT_TEXT) && this.getTransactionStatus() !== 'I');
    if (!held) {
      // A rollback undoes whatever failed before it: nothing to report.
      return this.#flushWith(() => send(...args), text !== 'rollback') as never;
    }
    this.#cork();
    if (isBegin) this.#beginning += 1;
    const sent = send(text, values);
    this.#held.push(
      sent.then(
        () => undefined,
        (error: unknown) => ({ error }),
      ),
    );
    if (isBegin) {
      void sent.then(
        () => (this.#beginning -= 1),
        () => (this.#beginning -= 1),
      );
    }
    return Promise.resolve(NO_ANSWER) as never;
  }

  #cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.connection.stream.cork();
    setImmediate(() => this.#uncork());
  }

  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.connection.stream.uncork();
  }

  /** Sends `next` with what was held back; the first held-back failure is its failure. */
  async #flushWith(next: () => Promise<unknown>, report = true): Promise<unknown> {
    if (this.#held.length === 0) return next();
    const held = this.#held.splice(0);
    const answer = next();
    this.#uncork();
    const [settled] = await Promise.all([
      Promise.all(held),
      answer.catch(() => undefined), // its own failure is reported below, after the held ones'
    ]);
    const failed = settled.find((s) => s !== undefined);
    if (failed && report) throw failed.error;
    return answer;
  }
}

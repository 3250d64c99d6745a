import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import type { Database } from '../../adapters/db/schema.js';

/**
 * The request's answer, recorded with its outcome (a recovery point, after Brandur
 * Leach's "Implementing Stripe-like Idempotency Keys in Postgres"): the idempotency layer
 * hands a command the write that completes the request's Idempotency-Key with the
 * response built from the command's result; the command sends it with the last writes of
 * the transaction that records the outcome, so the key is completed exactly when the
 * outcome commits — no separate transaction after it, no window in which a crash leaves
 * an outcome without its answer.
 *
 * Call it only for a transaction's last writes, once its outcome is decided: what it
 * builds is the answer the request sends.
 */
export type AnswerOnce<T> = (tx: Kysely<Database>, result: T) => Write;

/** A command's last, optional argument: the recovery point of the request that runs it. */
export interface AnswerOption<T> {
  readonly answer?: AnswerOnce<T> | undefined;
}

import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/schema.js';
import type { Clock } from '../ports/clock.js';

/** What every use case is given: plain constructor arguments, no container. */
export interface Deps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

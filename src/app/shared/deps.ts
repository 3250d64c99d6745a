import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import type { Clock } from '../../ports/clock.js';

/** What every use case is given: plain constructor arguments, no container. */
export interface Deps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /**
   * Where Flint is reached from outside (`FLINT_PUBLIC_URL`, no trailing slash): the base of
   * the URLs in API objects and events. Without it the API answers with the address it was
   * called at and events carry no URL.
   */
  readonly publicUrl?: string | undefined;
}

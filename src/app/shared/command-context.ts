import type { PageRequest } from '../../adapters/db/pagination.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import type { Actor } from '../events/record-events.js';
import type { Deps } from './deps.js';

/**
 * What a command is given about the request that runs it, built once per request (the
 * HTTP layer's `commandContextOf`, a page's or the console's handler, a worker's batch).
 * A command takes this first and one input object second (and, last, an options object
 * for what is optional: a refund's `origin`, the request's `answer`); a command that
 * needs less takes a `Pick` of it.
 */
export interface CommandContext {
  readonly deps: Deps;
  /** The account's processors: only commands that move money use them. */
  readonly processors: Processors;
  readonly tenant: Tenant;
  /** Who made the change (the event's author). */
  readonly actor: Actor;
  /** The request's `Idempotency-Key` once claimed: money moves carry it to their rows. */
  readonly requestKey: string | null;
}

/** What a command that changes rows but moves no money needs. */
export type ChangeContext = Pick<CommandContext, 'deps' | 'tenant' | 'actor'>;

/** What every request gives its command; a route adds `processors` for one that moves money. */
export type RequestContext = Omit<CommandContext, 'processors'>;

/** What a change that records no event needs: the tenant's data. */
export type TenantContext = Pick<CommandContext, 'deps' | 'tenant'>;

/** What an update acts on: the object's id and the fields that change. */
export interface Update<T> {
  readonly id: string;
  readonly changes: T;
}

/** What a list reads: the caller's filter and the page it asked for. */
export interface ListInput<F> {
  readonly filter: F;
  readonly page: PageRequest;
}

// What `flint listen` reads: an account's new events, each given once, including those
// whose transaction committed after a newer event's (ids are taken before commit).

export interface FeedEvent {
  readonly event_id: string;
  readonly type: string;
  readonly created_at: string;
}

export interface EventPage<E extends FeedEvent> {
  readonly events: readonly E[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

/** GET /v1/events with these query parameters. */
export type ReadEvents<E extends FeedEvent> = (query: URLSearchParams) => Promise<EventPage<E>>;

/** Sorts below every event id: `ending_before` it reads an account's events from its first. */
export const FIRST_EVENT_CURSOR = 'evt_00000000000000000000000000';

/**
 * Polls for events after a cursor, oldest first. Each poll re-reads an overlap window
 * (events up to `overlapMs` older than the newest one seen) so that an event whose
 * transaction commits a little after a newer one is still found, and gives each event
 * only once: ids read in the window are remembered until the cursor passes them.
 */
export class EventFeed<E extends FeedEvent> {
  private cursor = FIRST_EVENT_CURSOR;
  /** Events at or after the cursor already given, with their creation times (ms). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly read: ReadEvents<E>,
    private readonly types: readonly string[],
    private readonly overlapMs: number,
  ) {}

  /** Starts from now: events recorded so far are not given. */
  async startNow(): Promise<void> {
    const [newest] = (await this.read(this.query({ limit: '1' }))).events;
    if (newest) this.cursor = newest.event_id;
  }

  /**
   * The events not given before, oldest first. A read that fails changes nothing: the
   * next poll reads the same events again.
   */
  async poll(): Promise<E[]> {
    const read: E[] = [];
    let after = this.cursor;
    for (;;) {
      // `ending_before` pages towards newer events; next_cursor is the newest of the page.
      const page = await this.read(this.query({ limit: '100', ending_before: after }));
      read.push(...page.events);
      if (!page.has_more || page.next_cursor === null) break;
      after = page.next_cursor;
    }
    const fresh = read.filter((event) => !this.seen.has(event.event_id));
    for (const event of read) this.seen.set(event.event_id, Date.parse(event.created_at));
    this.advance();
    return fresh.sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
  }

  /** Moves the cursor to the newest event seen that is older than the overlap window. */
  private advance(): void {
    // A loop, not Math.max(...): a large backlog would overflow the call's arguments.
    let newest = Number.NEGATIVE_INFINITY;
    for (const createdAt of this.seen.values()) if (createdAt > newest) newest = createdAt;
    let cursor = this.cursor;
    for (const [id, createdAt] of this.seen) {
      if (createdAt <= newest - this.overlapMs && id > cursor) cursor = id;
    }
    this.cursor = cursor;
    for (const id of this.seen.keys()) if (id <= cursor) this.seen.delete(id);
  }

  private query(params: Record<string, string>): URLSearchParams {
    const query = new URLSearchParams(params);
    if (this.types.length > 0) query.set('type', this.types.join(','));
    return query;
  }
}

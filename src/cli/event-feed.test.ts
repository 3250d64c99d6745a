import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventFeed, type EventPage, type FeedEvent } from './event-feed.js';

/** GET /v1/events over the events committed so far (keyset pages, as the API answers). */
function fakeApi() {
  const committed: FeedEvent[] = [];
  const read = async (query: URLSearchParams): Promise<EventPage<FeedEvent>> => {
    const limit = Number(query.get('limit'));
    const types = query.get('type')?.split(',');
    const after = query.get('ending_before');
    const matching = committed
      .filter((e) => !types || types.includes(e.type))
      .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    if (after === null) {
      const newest = matching.reverse().slice(0, limit);
      return { events: newest, has_more: matching.length > limit, next_cursor: null };
    }
    const newer = matching.filter((e) => e.event_id > after).slice(0, limit + 1);
    const page = newer.slice(0, limit).reverse();
    const hasMore = newer.length > limit;
    return {
      events: page,
      has_more: hasMore,
      next_cursor: hasMore ? (page[0]?.event_id ?? null) : null,
    };
  };
  return { committed, read };
}

/** The n-th event: ids and times grow with n (1 s apart), as the server mints them. */
function event(n: number, type = 'order.created'): FeedEvent {
  return {
    event_id: `evt_${String(n).padStart(26, '0')}`,
    type,
    created_at: new Date(Date.UTC(2026, 10, 23) + n * 1000).toISOString(),
  };
}

const ids = (events: readonly FeedEvent[]) => events.map((e) => Number(e.event_id.slice(4)));

describe('EventFeed', () => {
  it('starts from now, then gives each new event once, oldest first', async () => {
    const api = fakeApi();
    api.committed.push(event(1), event(2));
    const feed = new EventFeed(api.read, [], 10_000);
    await feed.startNow();
    expect(await feed.poll()).toEqual([]);
    api.committed.push(event(3), event(4));
    expect(ids(await feed.poll())).toEqual([3, 4]);
    expect(await feed.poll()).toEqual([]);
  });

  it('finds an event that committed after a newer one, within the overlap window', async () => {
    const api = fakeApi();
    const feed = new EventFeed(api.read, [], 5_000);
    await feed.startNow();
    api.committed.push(event(1), event(3));
    expect(ids(await feed.poll())).toEqual([1, 3]);
    api.committed.push(event(2));
    expect(ids(await feed.poll())).toEqual([2]);
    expect(await feed.poll()).toEqual([]);
    // Once newer events pass the window, the cursor moves to the newest event older than
    // it (3): a later one is still found, one older than the cursor no longer looked for.
    api.committed.push(event(20));
    expect(ids(await feed.poll())).toEqual([20]);
    api.committed.push(event(0), event(4));
    expect(ids(await feed.poll())).toEqual([4]);
  });

  it('reads every page of a backlog, and only the types asked for', async () => {
    const api = fakeApi();
    const feed = new EventFeed(api.read, ['order.paid', 'refund.created'], 5_000);
    await feed.startNow();
    for (let n = 1; n <= 250; n++) {
      api.committed.push(event(n, ['order.paid', 'order.created', 'refund.created'][n % 3]));
    }
    const given = await feed.poll();
    expect(given.map((e) => e.type).every((t) => t !== 'order.created')).toBe(true);
    expect(ids(given)).toEqual(ids(api.committed.filter((e) => e.type !== 'order.created')));
  });

  it('loses nothing when a read fails half way through a poll', async () => {
    const api = fakeApi();
    let failNext = false;
    const flaky = async (query: URLSearchParams) => {
      if (failNext && query.get('ending_before') !== 'evt_00000000000000000000000000') {
        failNext = false;
        throw new Error('connection reset');
      }
      return api.read(query);
    };
    const feed = new EventFeed(flaky, [], 5_000);
    await feed.startNow();
    for (let n = 1; n <= 150; n++) api.committed.push(event(n));
    failNext = true; // the first page is read, the second fails
    await expect(feed.poll()).rejects.toThrow('connection reset');
    expect(ids(await feed.poll())).toEqual(ids(api.committed));
  });

  it('gives every event exactly once when commits lag by less than the overlap', async () => {
    // Event n is minted at second n and commits at n + lag (lag < overlap); polls run at
    // random seconds. Every event is given once, whatever the order of commits.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }),
        async (lags, pollTimes) => {
          const api = fakeApi();
          const feed = new EventFeed(api.read, [], 5_000);
          await feed.startNow();
          const given: number[] = [];
          const commits = lags.map((lag, i) => ({ at: i + 1 + lag, event: event(i + 1) }));
          for (let second = 0; second <= 50; second++) {
            for (const c of commits) if (c.at === second) api.committed.push(c.event);
            if (pollTimes.includes(second)) given.push(...ids(await feed.poll()));
          }
          given.push(...ids(await feed.poll()));
          expect([...given].sort((a, b) => a - b)).toEqual(lags.map((_, i) => i + 1));
        },
      ),
    );
  });
});

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import type { EventResource } from '../resources/event.js';
import { type ApiTarget, callApi } from './api-client.js';
import { EventFeed, type EventPage } from './event-feed.js';

// `flint listen`: forwards the account's new events to a local URL as Standard Webhooks
// deliveries, signed with a secret made for this run.

export interface ListenOptions {
  readonly target: ApiTarget;
  readonly forwardTo: string;
  /** Only these event types; every type when empty. */
  readonly types: readonly string[];
  readonly secret: string;
  readonly signal: AbortSignal;
  readonly out: (line: string) => void;
  readonly warn: (line: string) => void;
  readonly pollIntervalMs?: number;
  /** How far back each poll looks again for events that committed late. */
  readonly overlapMs?: number;
}

/** A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const FORWARD_TIMEOUT_MS = 10_000;

/** POSTs one event as a signed delivery; answers the line that reports it. */
async function forward(
  webhook: Webhook,
  url: string,
  event: EventResource,
  signal: AbortSignal,
): Promise<string> {
  const payload = JSON.stringify(event);
  const now = new Date();
  // The object and the event's number among its events: a late one is easy to spot.
  const about = `${event.object_id} #${event.sequence}`;
  const line = `${event.created_at}  ${event.type.padEnd(28)} ${event.event_id}  ${about}`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.event_id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(event.event_id, now, payload),
      },
      body: payload,
      signal: AbortSignal.any([signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]),
    });
    await response.arrayBuffer();
    return `${line}  → ${response.status}`;
  } catch (err) {
    if (signal.aborted) throw err;
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return `${line}  → failed: ${cause ?? (err as Error).message}`;
  }
}

/**
 * Prints the secret, then until `signal` aborts: polls GET /v1/events for events
 * recorded after it started and forwards each, printing the local answer's status.
 * A delivery that fails is reported and not retried; an API that does not answer is
 * asked again at the next poll.
 */
export async function listen(options: ListenOptions): Promise<void> {
  const { target, signal, out } = options;
  const read = async (query: URLSearchParams) =>
    (await callApi<EventPage<EventResource>>(target, 'GET', `/v1/events?${query}`, { signal }))
      .body;
  const { body } = await callApi<{ account: { account_id: string } }>(
    target,
    'GET',
    '/v1/account',
    { signal },
  );
  const feed = new EventFeed(read, options.types, options.overlapMs ?? 10_000);
  await feed.startNow();
  const which = options.types.length > 0 ? ` (${options.types.join(', ')})` : '';
  out(
    `Ready! Forwarding ${target.mode}-mode events${which} of ${body.account.account_id} to ${options.forwardTo}`,
  );
  out(`Your webhook signing secret is ${options.secret} (^C to stop)`);
  const webhook = new Webhook(options.secret);
  while (!signal.aborted) {
    try {
      for (const event of await feed.poll()) {
        out(await forward(webhook, options.forwardTo, event, signal));
      }
    } catch (err) {
      if (signal.aborted) break;
      options.warn(`flint listen: ${(err as Error).message}; polling again`);
    }
    await sleep(options.pollIntervalMs ?? 1000, undefined, { signal }).catch(() => undefined);
  }
}

import type { Logger } from 'pino';
import type { WorkerScope } from '../adapters/db/repos/webhook-outbox-repo.js';
import type { Deps } from '../app/shared/deps.js';
import type { SecretBox } from '../app/shared/secret-box.js';
import type { DeliveryPolicy } from '../app/webhooks/webhook-attempts.js';
import { dispatchEvents } from '../app/webhooks/webhook-dispatch.js';
import {
  attemptDelivery,
  type ClaimedDelivery,
  claimDeliveries,
} from '../app/webhooks/webhook-send.js';
import type { WebhookTransport } from '../ports/webhook-transport.js';
import type { Worker } from './periodic.js';

export interface WebhookWorkerOptions {
  readonly policy: DeliveryPolicy;
  /** How often to look for new events and due deliveries when there is nothing to do. */
  readonly pollIntervalMs: number;
  /** Attempts in flight at once (each waits at most `policy.timeoutMs`). */
  readonly concurrency?: number;
  /** Events fanned out per transaction. */
  readonly dispatchBatch?: number;
  readonly scope?: WorkerScope;
  readonly logger?: Logger | undefined;
}

/**
 * The webhook worker: fans new events out to subscribed endpoints, then sends due
 * deliveries, up to `concurrency` at once. Any number of workers (in one process or many)
 * can run against one database: each takes rows the others are not holding, and a
 * crashed worker's leases run out so another retries its deliveries.
 */
export function startWebhookDeliveryWorker(
  deps: Deps,
  secretBox: SecretBox | null,
  transport: WebhookTransport,
  options: WebhookWorkerOptions,
): Worker {
  const concurrency = options.concurrency ?? 16;
  const dispatchBatch = options.dispatchBatch ?? 200;
  const scope = options.scope ?? {};
  // Outlasts an attempt and the recording of its outcome with room to spare; a lease that
  // runs out early costs a duplicate delivery (at least once), never a lost one.
  const leaseMs = 2 * options.policy.timeoutMs + 5000;
  const firstDelayMs = options.policy.scheduleMs[0] ?? 0;
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  /** An attempt finished while a pass was running: start the next one at once. */
  let woken = false;

  const sender = { deps, box: secretBox, transport, policy: options.policy };
  const send = (claimed: ClaimedDelivery) => {
    const attempt = attemptDelivery(sender, claimed)
      .catch((err: unknown) => options.logger?.error({ err }, 'webhook attempt not recorded'))
      .finally(() => {
        inFlight.delete(attempt);
        wake();
      });
    inFlight.add(attempt);
  };

  /** One pass; true when there may be more to do at once. */
  const pass = async (): Promise<boolean> => {
    // A fan-out that fails must not hold back the deliveries already due.
    const dispatched = await dispatchEvents(deps, {
      scope,
      batch: dispatchBatch,
      firstDelayMs,
    }).catch((err: unknown) => {
      options.logger?.error({ err }, 'webhook fan-out failed');
      return 0;
    });
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return dispatched === dispatchBatch;
    const claimed = await claimDeliveries(deps, { scope, limit: free, leaseMs });
    for (const delivery of claimed) send(delivery);
    return dispatched === dispatchBatch || claimed.length === free;
  };

  const tick = () => {
    timer = undefined;
    woken = false;
    running = pass()
      .catch((err: unknown) => {
        options.logger?.error({ err }, 'webhook worker pass failed');
        return false;
      })
      .then((more) => {
        if (!stopped && timer === undefined) {
          timer = setTimeout(tick, more || woken ? 0 : options.pollIntervalMs).unref();
        }
      });
  };

  /** A finished attempt frees a slot: look again soon rather than after a full interval. */
  const wake = () => {
    if (stopped) return;
    if (timer === undefined) {
      woken = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(tick, 0).unref();
  };

  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.all([...inFlight]);
    },
  };
}

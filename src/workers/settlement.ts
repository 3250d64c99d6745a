import type { Logger } from 'pino';
import type { Deps } from '../app/deps.js';
import { settlePendingRefunds, settleStalePayments } from '../app/settlement.js';
import type { Processors } from '../ports/payment-processor.js';
import type { Worker } from './idempotency-reaper.js';

/**
 * Every `intervalMs`: re-drive payments the processor never answered and settle pending
 * refunds older than `olderThanMs`. A failed run is logged and retried next time.
 */
export function startSettlementWorker(
  deps: Deps,
  processors: Processors,
  options: {
    readonly intervalMs: number;
    readonly olderThanMs: number;
    readonly logger?: Logger | undefined;
  },
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = (async () => {
      const payments = await settleStalePayments(deps, processors, options.olderThanMs);
      const refunds = await settlePendingRefunds(deps, processors, options.olderThanMs);
      if (payments + refunds > 0) options.logger?.info({ payments, refunds }, 'settlement run');
    })()
      .catch((err: unknown) => options.logger?.error({ err }, 'settlement run failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs).unref();
      });
  };
  timer = setTimeout(tick, options.intervalMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

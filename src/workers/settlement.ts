import type { Logger } from 'pino';
import { settlePendingRefunds, settleStalePayments } from '../app/payments/settlement.js';
import type { Deps } from '../app/shared/deps.js';
import type { Processors } from '../ports/payment-processor.js';
import { startPeriodic, type Worker } from './periodic.js';

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
  return startPeriodic(
    'settlement run',
    options.intervalMs,
    async () => {
      const run = { olderThanMs: options.olderThanMs };
      const payments = await settleStalePayments({ deps, processors }, run);
      const refunds = await settlePendingRefunds({ deps, processors }, run);
      if (payments + refunds > 0) options.logger?.info({ payments, refunds }, 'settlement run');
    },
    options.logger,
  );
}

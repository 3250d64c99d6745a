import { settlePendingRefunds, settleStalePayments } from '../app/payments/settlement.js';
import type { Deps } from '../app/shared/deps.js';
import type { Processors } from '../ports/payment-processor.js';
import { type PeriodicOptions, startCounting, type Worker } from './periodic.js';

/**
 * Every `intervalMs`: re-drive payments the processor never answered and settle pending
 * refunds older than `olderThanMs`. A failed run is logged and retried next time.
 */
export function startSettlementWorker(
  deps: Deps,
  processors: Processors,
  options: PeriodicOptions & { readonly olderThanMs: number },
): Worker {
  return startCounting('settlement run', 'settlement run', options, async () => {
    const run = { olderThanMs: options.olderThanMs };
    const payments = await settleStalePayments({ deps, processors }, run);
    const refunds = await settlePendingRefunds({ deps, processors }, run);
    return { payments, refunds };
  });
}

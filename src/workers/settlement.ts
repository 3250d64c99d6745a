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
    const payments = await settleStalePayments(deps, processors, options.olderThanMs);
    const refunds = await settlePendingRefunds(deps, processors, options.olderThanMs);
    return { payments, refunds };
  });
}

import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';

/**
 * The real sandbox processor, counting charge and refund calls (by idempotency key): to
 * prove one processor call per refund, or none for a refund made outside Flint or an
 * order with nothing to pay.
 */
export function countingSandbox(): {
  processor: PaymentProcessor;
  refundCalls: string[];
  chargeCalls: string[];
} {
  const sandbox = createSandboxProcessor();
  const refundCalls: string[] = [];
  const chargeCalls: string[] = [];
  const processor: PaymentProcessor = {
    ...sandbox,
    charge: (r) => {
      chargeCalls.push(r.idempotencyKey);
      return sandbox.charge(r);
    },
    refund: (r) => {
      refundCalls.push(r.idempotencyKey);
      return sandbox.refund(r);
    },
  };
  return { processor, refundCalls, chargeCalls };
}

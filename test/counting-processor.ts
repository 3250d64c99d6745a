import { createSandboxProcessor } from '../src/adapters/processors/sandbox.js';
import type { PaymentProcessor } from '../src/ports/payment-processor.js';

/**
 * The real sandbox processor, counting refund calls (by idempotency key): to prove one
 * processor call per refund, or none for a refund made outside Flint.
 */
export function countingSandbox(): { processor: PaymentProcessor; refundCalls: string[] } {
  const sandbox = createSandboxProcessor();
  const refundCalls: string[] = [];
  const processor: PaymentProcessor = {
    ...sandbox,
    charge: (r) => sandbox.charge(r),
    refund: (r) => {
      refundCalls.push(r.idempotencyKey);
      return sandbox.refund(r);
    },
  };
  return { processor, refundCalls };
}

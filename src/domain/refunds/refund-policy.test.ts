import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerRefund, type PartAnswer, type RefundItemState } from './refund-outcomes.js';
import { planRefund } from './refund-planning.js';
import {
  checkReplaceable,
  initialRefundStatus,
  isOutstanding,
  type RefundFacts,
  refundable,
  refundableCharges,
  replacementAmong,
} from './refund-policy.js';
import type { RefundMethod, RefundStatus } from './refund-values.js';

interface Refund {
  readonly refund: { id: string; status: RefundStatus; replaces_refund_id: string | null };
  readonly items: readonly RefundItemState[];
}

type Step =
  | { kind: 'refund'; amount: number; charge: number | null; method: RefundMethod }
  | { kind: 'answer'; which: number; answer: PartAnswer };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('refund' as const),
    amount: fc.integer({ min: 1, max: 12_000 }),
    charge: fc.option(fc.nat(2), { nil: null }),
    method: fc.constantFrom<RefundMethod>('original_payment_method', 'cash'),
  }),
  fc.record({
    kind: fc.constant('answer' as const),
    which: fc.nat(),
    answer: fc.constantFrom<PartAnswer>(
      { status: 'succeeded', processorRefundId: 're_p', referenceId: null },
      { status: 'failed', processorRefundId: null, failureReason: 'declined' },
      { status: 'canceled' },
      { status: 'pending', processorRefundId: 're_p' },
    ),
  }),
);

const outstandingOf = (refunds: readonly Refund[], paymentId?: string) =>
  refunds
    .flatMap((r) => r.items)
    .filter((i) => isOutstanding(i.status) && (!paymentId || i.payment_intent_id === paymentId))
    .reduce((n, i) => n + i.amount, 0);

describe('the refund policy over any sequence of refunds and answers', () => {
  it('never refunds more than was captured, counts pending refunds, and gives back exactly what failed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 3 }),
        fc.array(step, { maxLength: 30 }),
        (captured, steps) => {
          const payments = [
            ...captured.map((amount, i) => ({
              id: `pi_${i}`,
              status: 'succeeded',
              amount_received: amount,
            })),
            { id: 'pi_failed', status: 'failed', amount_received: 0 },
          ];
          const total = captured.reduce((n, c) => n + c, 0);
          let refunds: Refund[] = [];
          for (const [n, s] of steps.entries()) {
            const charges = refundableCharges(payments, refunds);
            // Pending refunds count: what is left is the capture less every part not given back.
            expect(refundable(charges)).toBe(total - outstandingOf(refunds));
            if (s.kind === 'refund') {
              const named = s.charge === null ? undefined : payments[s.charge]?.id;
              const left = refundable(
                named ? charges.filter((c) => c.paymentIntentId === named) : charges,
              );
              const planned = planRefund(
                { amount: s.amount, payment_intent_id: named },
                {
                  currency: 'USD',
                  charges,
                  order: () => {
                    throw new Error('a flat refund reads no lines');
                  },
                },
                'refund',
              );
              expect(planned.ok).toBe(s.amount <= left);
              if (!planned.ok) continue;
              const status = initialRefundStatus(s.method);
              refunds = [
                ...refunds,
                {
                  refund: { id: `re_${n}`, status, replaces_refund_id: null },
                  items: planned.value.parts.map((p) => ({
                    payment_intent_id: p.paymentIntentId,
                    amount: p.amount,
                    status,
                    processor_refund_id: null,
                    reference_id: null,
                    reference_status: 'pending',
                    failure_reason: null,
                  })),
                },
              ];
            } else if (refunds.length > 0) {
              const index = s.which % refunds.length;
              const target = refunds[index] as Refund;
              const answers = new Map(target.items.map((i) => [i.payment_intent_id, s.answer]));
              const before = outstandingOf(refunds);
              const answered = answerRefund(target.refund.status, target.items, answers);
              const updated = {
                refund: { ...target.refund, status: answered.status },
                items: answered.items,
              };
              refunds = refunds.map((r, i) => (i === index ? updated : r));
              expect(answered.givenBack).toBe(before - outstandingOf(refunds));
            }
            for (const payment of payments) {
              expect(outstandingOf(refunds, payment.id)).toBeLessThanOrEqual(
                payment.amount_received,
              );
            }
          }
        },
      ),
    );
  });
});

describe('making good a failed refund', () => {
  const refund = (
    id: string,
    status: RefundStatus,
    replaces: string | null = null,
  ): RefundFacts => ({
    refund: { id, status, replaces_refund_id: replaces },
    items: [{ payment_intent_id: 'pi_1', amount: 100, status }],
  });
  const loc = ['refund', 'replaces_refund_id'];

  it('is allowed once for a failed refund of the order', () => {
    expect(checkReplaceable([refund('re_1', 'failed')], 're_1', loc)).toEqual({
      ok: true,
      value: undefined,
    });
    expect(checkReplaceable([refund('re_1', 'failed')], 're_2', loc)).toMatchObject({
      ok: false,
      error: { code: 'parameter_invalid', loc },
    });
    expect(checkReplaceable([refund('re_1', 'pending')], 're_1', loc)).toMatchObject({
      ok: false,
      error: { code: 'refund_state_invalid', loc },
    });
    const replaced = [refund('re_1', 'failed'), refund('re_2', 'succeeded', 're_1')];
    expect(checkReplaceable(replaced, 're_1', loc)).toMatchObject({
      ok: false,
      error: { code: 'refund_state_invalid' },
    });
  });

  it('is open again after a canceled replacement; a failed one takes the obligation over', () => {
    const canceled = [refund('re_1', 'failed'), refund('re_2', 'canceled', 're_1')];
    expect(replacementAmong(canceled, 're_1')).toBeUndefined();
    expect(checkReplaceable(canceled, 're_1', loc).ok).toBe(true);
    const failedAgain = [refund('re_1', 'failed'), refund('re_2', 'failed', 're_1')];
    expect(replacementAmong(failedAgain, 're_1')?.refund.id).toBe('re_2');
    expect(checkReplaceable(failedAgain, 're_1', loc).ok).toBe(false);
    expect(checkReplaceable(failedAgain, 're_2', loc).ok).toBe(true);
  });
});

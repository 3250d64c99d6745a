import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerRefund, type PartAnswer, type RefundItemState } from './refund-outcomes.js';
import { isOutstanding } from './refund-policy.js';
import { REFUND_STATUSES, type RefundStatus } from './refund-values.js';

function part(id: string, amount: number, status: RefundStatus = 'pending'): RefundItemState {
  return {
    payment_intent_id: id,
    amount,
    status,
    processor_refund_id: null,
    reference_id: null,
    reference_status: 'pending',
    failure_reason: null,
  };
}

const outstanding = (items: readonly RefundItemState[]) =>
  items.filter((i) => isOutstanding(i.status)).reduce((n, i) => n + i.amount, 0);

const answer: fc.Arbitrary<PartAnswer> = fc.oneof(
  fc.constant<PartAnswer>({ status: 'succeeded', processorRefundId: 're_x', referenceId: 'ARN1' }),
  fc.constant<PartAnswer>({ status: 'succeeded', processorRefundId: 're_x', referenceId: null }),
  fc.constant<PartAnswer>({ status: 'pending', processorRefundId: 're_x' }),
  fc.constant<PartAnswer>({
    status: 'failed',
    processorRefundId: null,
    failureReason: 'insufficient_funds',
  }),
  fc.constant<PartAnswer>({ status: 'canceled' }),
);

describe('answerRefund', () => {
  it('a failure gives back exactly what it took, once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(...REFUND_STATUSES)),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.option(answer, { nil: undefined }), { minLength: 5, maxLength: 5 }),
        (spec, word) => {
          const items = spec.map(([amount, status], i) => part(`pi_${i}`, amount, status));
          const answers = new Map<string, PartAnswer>();
          items.forEach((item, i) => {
            const a = word[i];
            if (a) answers.set(item.payment_intent_id, a);
          });
          const first = answerRefund('pending', items, answers);
          // What the order gets back is exactly what the answer took out of `refunded`.
          expect(first.givenBack).toBe(outstanding(items) - outstanding(first.items));
          for (const [i, after] of first.items.entries()) {
            const before = items[i] as RefundItemState;
            if (before.status !== 'pending' && before.status !== 'requires_action') {
              expect(after.status).toBe(before.status);
            }
          }
          // The same answer again changes nothing and gives nothing back.
          const again = answerRefund(first.status, first.items, answers);
          expect(again.changed).toBe(false);
          expect(again.givenBack).toBe(0);
        },
      ),
    );
  });

  it('records each kind of answer on a pending part', () => {
    const items = [part('pi_1', 3000), part('pi_2', 2000)];
    const answered = answerRefund(
      'pending',
      items,
      new Map<string, PartAnswer>([
        ['pi_1', { status: 'succeeded', processorRefundId: 're_1', referenceId: 'ARN1' }],
        ['pi_2', { status: 'failed', processorRefundId: 're_2', failureReason: 'declined' }],
      ]),
    );
    expect(answered).toMatchObject({
      changed: true,
      givenBack: 2000,
      status: 'failed',
      failureReason: 'declined',
      referenceId: 'ARN1',
      referenceStatus: 'unavailable',
    });
    expect(answered.items[0]).toMatchObject({ status: 'succeeded', reference_status: 'available' });
    expect(answered.items[1]).toMatchObject({ status: 'failed', processor_refund_id: 're_2' });
  });

  it('a pending answer keeps the part pending with the processor id; a late reference is kept once', () => {
    const pending = answerRefund(
      'pending',
      [part('pi_1', 100)],
      new Map([['pi_1', { status: 'pending', processorRefundId: 're_9' } as PartAnswer]]),
    );
    expect(pending).toMatchObject({ changed: true, givenBack: 0, status: 'pending' });
    expect(pending.items[0]).toMatchObject({ status: 'pending', processor_refund_id: 're_9' });
    const succeeded = { ...part('pi_1', 100, 'succeeded'), processor_refund_id: 're_9' };
    const late = answerRefund(
      'succeeded',
      [succeeded],
      new Map([
        [
          'pi_1',
          { status: 'succeeded', processorRefundId: 're_9', referenceId: 'ARN7' } as PartAnswer,
        ],
      ]),
    );
    expect(late).toMatchObject({ changed: true, givenBack: 0, status: 'succeeded' });
    expect(late.items[0]).toMatchObject({ reference_id: 'ARN7', reference_status: 'available' });
  });

  it('a canceled refund stays canceled when another of its parts fails later', () => {
    const items = [part('pi_1', 100, 'canceled'), part('pi_2', 50)];
    const answered = answerRefund(
      'canceled',
      items,
      new Map<string, PartAnswer>([
        ['pi_2', { status: 'failed', processorRefundId: null, failureReason: 'unknown' }],
      ]),
    );
    expect(answered).toMatchObject({ status: 'canceled', givenBack: 50 });
    expect(answered.items[1]?.status).toBe('failed');
  });
});

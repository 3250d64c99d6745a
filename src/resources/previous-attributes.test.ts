import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { previousAttributes } from './previous-attributes.js';

describe('previousAttributes', () => {
  it('gives the previous value of each changed top-level field, and only those', () => {
    const before = {
      status: 'OPEN',
      metadata: { a: '1' },
      net_amounts: { paid_money: { amount: 0, currency: 'USD' } },
      customer_id: null,
      version: 3,
      updated_at: '2026-11-23T18:00:00.000Z',
    };
    const after = {
      status: 'PAID',
      metadata: { a: '1' },
      net_amounts: { paid_money: { amount: 500, currency: 'USD' } },
      customer_id: 'cus_1',
      version: 4,
      updated_at: '2026-11-23T18:00:01.000Z',
    };
    expect(previousAttributes(before, after)).toEqual({
      status: 'OPEN',
      net_amounts: { paid_money: { amount: 0, currency: 'USD' } },
      customer_id: null,
    });
  });

  it('is empty when nothing but version and updated_at changed', () => {
    expect(
      previousAttributes(
        { reason: null, version: 1, updated_at: 'a' },
        { reason: null, version: 2, updated_at: 'b' },
      ),
    ).toEqual({});
  });

  it('always lets the old resource be rebuilt from the new one and the previous attributes', () => {
    // One serializer: the same keys on both sides, any JSON values.
    const keys = ['status', 'metadata', 'amount', 'reason', 'items', 'version', 'updated_at'];
    const resource = fc.record(Object.fromEntries(keys.map((k) => [k, fc.jsonValue()])));
    fc.assert(
      fc.property(resource, resource, (before, after) => {
        const previous = previousAttributes(before, after);
        const rebuilt: Record<string, unknown> = { ...after, ...previous };
        for (const key of keys) {
          if (key === 'version' || key === 'updated_at') continue;
          expect(JSON.stringify(rebuilt[key])).toBe(JSON.stringify(before[key]));
        }
        for (const key of Object.keys(previous)) {
          expect(JSON.stringify(before[key])).not.toBe(JSON.stringify(after[key]));
        }
      }),
    );
  });
});

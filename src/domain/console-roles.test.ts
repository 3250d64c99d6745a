import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ROLES, permits } from './console-roles.js';

describe('console permissions', () => {
  it('everyone reads; a viewer changes nothing; only an owner manages', () => {
    for (const role of CONSOLE_ROLES) {
      expect(permits({ role, refundLimit: 0 }, { kind: 'read' }).allowed).toBe(true);
    }
    expect(
      permits({ role: 'viewer', refundLimit: 10_000 }, { kind: 'refund', amount: 1 }).allowed,
    ).toBe(false);
    expect(permits({ role: 'viewer', refundLimit: null }, { kind: 'manage' }).allowed).toBe(false);
    expect(permits({ role: 'support', refundLimit: 10_000 }, { kind: 'manage' }).allowed).toBe(
      false,
    );
    expect(permits({ role: 'owner', refundLimit: null }, { kind: 'manage' }).allowed).toBe(true);
  });

  it('support refunds exactly up to its limit; an owner any amount', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (limit, amount) => {
        const support = permits(
          { role: 'support', refundLimit: limit },
          { kind: 'refund', amount },
        );
        const owner = permits({ role: 'owner', refundLimit: null }, { kind: 'refund', amount });
        return support.allowed === amount <= limit && owner.allowed;
      }),
    );
    expect(
      permits({ role: 'support', refundLimit: null }, { kind: 'refund', amount: 1 }).allowed,
    ).toBe(false);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moveReturn, RETURN_TRANSITIONS, returnActions } from './return-state.js';
import { RETURN_ACTIONS, RETURN_STATUSES } from './return-values.js';

describe('the return transition table', () => {
  it('has a row for every status, and every move lands on a status', () => {
    expect(Object.keys(RETURN_TRANSITIONS).sort()).toEqual([...RETURN_STATUSES].sort());
    for (const moves of Object.values(RETURN_TRANSITIONS)) {
      for (const [name, to] of Object.entries(moves)) {
        expect(RETURN_ACTIONS).toContain(name);
        expect(RETURN_STATUSES).toContain(to);
      }
    }
  });

  it('goes requested → received → completed, cancels before completion only', () => {
    const facts = (status: (typeof RETURN_STATUSES)[number]) => ({ status, settled: false });
    expect(moveReturn(facts('requested'), 'receive')).toEqual({ ok: true, value: 'received' });
    expect(moveReturn(facts('received'), 'complete')).toEqual({ ok: true, value: 'completed' });
    expect(moveReturn(facts('received'), 'cancel')).toEqual({ ok: true, value: 'canceled' });
    const late = moveReturn(facts('completed'), 'cancel');
    expect(late.ok ? null : late.error).toMatchObject({
      code: 'return_state_invalid',
      details: { available_actions: ['update'] },
    });
  });

  it('never cancels a return whose money moved', () => {
    expect(returnActions({ status: 'received', settled: true })).toEqual(['update', 'complete']);
    const refused = moveReturn({ status: 'received', settled: true }, 'cancel');
    expect(refused.ok).toBe(false);
  });

  it('never cancels a return whose goods went back into stock', () => {
    const facts = { status: 'received', settled: false, restocked: true } as const;
    expect(returnActions(facts)).toEqual(['update', 'complete']);
    const refused = moveReturn(facts, 'cancel');
    expect(refused).toMatchObject({ ok: false, error: { code: 'return_state_invalid' } });
    expect(!refused.ok && refused.error.message).toContain('back in stock');
  });

  it('allows exactly the actions it lists', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RETURN_STATUSES),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(...RETURN_ACTIONS),
        (status, settled, restocked, action) => {
          const facts = { status, settled, restocked };
          const allowed = returnActions(facts).includes(action);
          expect(moveReturn(facts, action).ok).toBe(allowed);
          if (settled || restocked) expect(allowed && action === 'cancel').toBe(false);
        },
      ),
    );
  });
});

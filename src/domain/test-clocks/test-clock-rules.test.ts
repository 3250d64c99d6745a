import { describe, expect, it } from 'vitest';
import { checkAdvance, MAX_ADVANCE_MS, wholeSeconds } from './test-clock-rules.js';

describe('test clock advances', () => {
  const frozenTime = new Date('2030-01-01T00:00:00Z');
  const clock = { frozenTime, status: 'ready' as const };
  it('move forward only, at most five years, in whole seconds', () => {
    expect(checkAdvance(clock, new Date('2030-01-01T00:00:00.900Z'))).toMatchObject({ ok: false });
    expect(checkAdvance(clock, new Date('2029-12-31T00:00:00Z'))).toMatchObject({ ok: false });
    expect(checkAdvance(clock, new Date('2030-01-02T00:00:01.500Z'))).toEqual({
      ok: true,
      value: new Date('2030-01-02T00:00:01Z'),
    });
    const limit = new Date(frozenTime.getTime() + MAX_ADVANCE_MS);
    expect(checkAdvance(clock, limit).ok).toBe(true);
    expect(checkAdvance(clock, new Date(limit.getTime() + 1000)).ok).toBe(false);
    expect(wholeSeconds(new Date('2030-01-01T00:00:00.999Z'))).toEqual(frozenTime);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInt8 } from './database.js';

describe('parseInt8', () => {
  it('returns every safe integer exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(parseInt8(String(n))).toBe(n);
      }),
    );
  });

  it('refuses values a JS number cannot hold exactly', () => {
    expect(() => parseInt8('9007199254740992')).toThrow(RangeError);
    expect(() => parseInt8('-9223372036854775808')).toThrow(RangeError);
  });
});

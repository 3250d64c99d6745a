import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METADATA_LIMITS, mergeMetadata, updatedMetadata, withoutEmptyValues } from './metadata.js';

describe('mergeMetadata', () => {
  it('merges keys and removes keys set to the empty string', () => {
    expect(mergeMetadata({ a: '1', b: '2' }, { b: '', c: '3' })).toEqual({
      ok: true,
      value: { a: '1', c: '3' },
    });
  });

  it('drops empty values on create as on update', () => {
    expect(withoutEmptyValues({ a: '', b: 'x' })).toEqual({ b: 'x' });
  });

  it('refuses a merge that would exceed the key limit', () => {
    const full = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.maxKeys }, (_, i) => [`k${i}`, 'v']),
    );
    const result = mergeMetadata(full, { extra: 'v' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'metadata_invalid', loc: ['metadata'] },
    });
  });

  it('never keeps an empty value and never exceeds the limit', () => {
    const map = fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 3 }), {
      maxKeys: 40,
    });
    fc.assert(
      fc.property(map, map, (current, update) => {
        const result = mergeMetadata(current, update);
        const keys = new Set([
          ...Object.keys(current).filter((key) => current[key] !== ''),
          ...Object.keys(update),
        ]);
        for (const [key, value] of Object.entries(update)) if (value === '') keys.delete(key);
        expect(result.ok).toBe(keys.size <= METADATA_LIMITS.maxKeys);
        if (!result.ok) return;
        expect(Object.values(result.value)).not.toContain('');
        expect(Object.keys(result.value).sort()).toEqual([...keys].sort());
      }),
    );
  });
});

describe('updatedMetadata', () => {
  it('keeps the metadata as it is when the update gives none', () => {
    expect(updatedMetadata({ a: '1' }, undefined, 'price')).toEqual({
      ok: true,
      value: { a: '1' },
    });
  });

  it('merges an update, and locates a refusal at the object it updates', () => {
    expect(updatedMetadata({ a: '1' }, { a: '', b: '2' }, 'price')).toEqual({
      ok: true,
      value: { b: '2' },
    });
    const tooMany = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, 'v']),
    );
    const refused = updatedMetadata({}, tooMany, 'tax_rate');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('metadata_invalid');
      expect(refused.error.loc).toEqual(['tax_rate', 'metadata']);
    }
  });
});

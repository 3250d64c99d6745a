import { describe, expect, it } from 'vitest';
import { rowsFromJson } from './json-rows.js';

describe('rowsFromJson', () => {
  it('turns the named timestamp columns into Dates and keeps the rest', () => {
    const rows = rowsFromJson<{ id: string; at: Date; none: Date | null; n: number; j: unknown }>(
      [
        {
          id: 'x',
          at: '2026-01-02T03:04:05.678+00:00',
          none: null,
          n: 99_999_999_999,
          j: { a: [1] },
        },
      ],
      ['at', 'none'],
    );
    expect(rows).toEqual([
      {
        id: 'x',
        at: new Date('2026-01-02T03:04:05.678Z'),
        none: null,
        n: 99_999_999_999,
        j: { a: [1] },
      },
    ]);
  });

  it('parses JSON text (a driver without a json parser) and refuses anything but an array', () => {
    expect(rowsFromJson('[{"a":1}]', [])).toEqual([{ a: 1 }]);
    expect(() => rowsFromJson({ a: 1 }, [])).toThrow(TypeError);
  });

  it('refuses a number a bigint column could not have held exactly, as parseInt8 does', () => {
    expect(() => rowsFromJson(JSON.parse('[{"amount": 9007199254740993}]'), [])).toThrow(
      RangeError,
    );
    expect(() => rowsFromJson([{ amount: 1.5 }], [])).toThrow(RangeError);
  });
});

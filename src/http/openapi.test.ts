import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { mergedUnions } from './openapi.js';

// The document's union rewriting keeps the same values: each schema and its rewrite accept
// and refuse the same samples.

const ajv = new Ajv({ strict: false });
const samples = [null, '', 'a', 'x'.repeat(600), 'OPEN', 'PAID', 0, 1.5, true, {}, { a: 1 }, []];

function sameValues(schema: object) {
  const rewritten = mergedUnions(schema as never) as object;
  const before = ajv.compile(schema);
  const after = ajv.compile(rewritten);
  for (const value of samples) expect(after(value), JSON.stringify(value)).toBe(before(value));
  return rewritten;
}

describe('mergedUnions', () => {
  it('writes a nullable plain schema as a type list', () => {
    const schema = { anyOf: [{ type: 'string', maxLength: 500 }, { type: 'null' }] };
    expect(sameValues(schema)).toEqual({ type: ['string', 'null'], maxLength: 500 });
  });

  it('writes string | number | boolean as a type list, each keyword on its own type', () => {
    const schema = {
      anyOf: [{ type: 'string', maxLength: 500 }, { type: 'number' }, { type: 'boolean' }],
    };
    expect(sameValues(schema)).toEqual({ type: ['string', 'number', 'boolean'], maxLength: 500 });
  });

  it('writes a union of literals as one enum, and a nullable enum with null in it', () => {
    const literals = {
      anyOf: [
        { type: 'string', enum: ['OPEN'] },
        { type: 'string', enum: ['PAID'] },
      ],
    };
    expect(sameValues(literals)).toEqual({ type: 'string', enum: ['OPEN', 'PAID'] });
    const nullable = { anyOf: [{ type: 'string', enum: ['OPEN'] }, { type: 'null' }] };
    expect(sameValues(nullable)).toEqual({ type: ['string', 'null'], enum: ['OPEN', null] });
  });

  it('leaves a union it cannot merge as it is, and says "any value" as true', () => {
    const sameType = {
      anyOf: [
        { type: 'string', enum: ['a'] },
        { type: 'string', description: 'x' },
      ],
    };
    expect(sameValues(sameType)).toEqual(sameType);
    const clash = {
      anyOf: [
        { type: 'string', minLength: 2 },
        { type: 'array', minLength: 1 },
      ],
    };
    expect(sameValues(clash)).toEqual(clash);
    const open = { type: 'object', additionalProperties: {} };
    expect(sameValues(open)).toEqual({ type: 'object', additionalProperties: true });
  });
});

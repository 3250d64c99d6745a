import { describe, expect, it } from 'vitest';
import { PERCENTAGE_PATTERN, parsePercentage } from './percentage.js';

describe('parsePercentage', () => {
  it.each([
    ['8', '8'],
    ['8.875', '8.875'],
    ['8.50', '8.5'],
    ['8.0000', '8'],
    ['0.0001', '0.0001'],
    ['100', '100'],
    ['100.0000', '100'],
    ['0', '0'],
  ])('accepts %j as %j', (input, canonical) => {
    expect(parsePercentage(input, { allowZero: true })?.text).toBe(canonical);
    expect(new RegExp(PERCENTAGE_PATTERN).test(input)).toBe(true);
  });

  it.each([
    '-1',
    '1e2',
    '101',
    '100.0001',
    '8.12345',
    '',
    ' 8',
    '8 ',
    '08',
    '.5',
    '5.',
    '+5',
    'NaN',
  ])('refuses %j', (input) => {
    expect(parsePercentage(input, { allowZero: true })).toBeNull();
  });

  it('refuses zero unless allowed', () => {
    expect(parsePercentage('0', { allowZero: false })).toBeNull();
    expect(parsePercentage('0.000', { allowZero: false })).toBeNull();
    expect(parsePercentage('0.0001', { allowZero: false })?.text).toBe('0.0001');
  });
});

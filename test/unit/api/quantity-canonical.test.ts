import { describe, expect, it } from 'vitest';
import {
  addQuantity,
  cmpQuantity,
  formatQuantity,
  parseQuantity,
  quantityMilliValue,
  quantityString,
  quantityValue,
  tryParseQuantity,
} from '../../../src/api/quantity.js';

describe('resource.Quantity canonical form', () => {
  it.each<[string | number, string]>([
    ['500m', '500m'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['1', '1'],
    ['1.', '1'],
    ['1000m', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['2048', '2048'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['129e6', '129e6'],
    ['12e6', '12e6'],
    ['100M', '100M'],
    ['129M', '129M'],
    ['128974848', '128974848'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['123Mi', '123Mi'],
    ['1023Ki', '1023Ki'],
    ['1000Ki', '1000Ki'],
    ['102400Mi', '100Gi'],
    ['0.1', '100m'],
    ['5n', '5n'],
    ['1u', '1u'],
    ['-1', '-1'],
    ['0', '0'],
    [4, '4'],
  ])('%s → %s', (q, want) => expect(formatQuantity(q)).toBe(want));

  it('rejects what is not a quantity', () => {
    for (const bad of ['', 'abc', '1Gb', '10.0.0.1', '1e', 'Mi', '--1']) expect(tryParseQuantity(bad)).toBeUndefined();
    expect(() => parseQuantity('abc')).toThrow(/quantities must match/);
    expect(formatQuantity('abc')).toBe('abc');
  });
  it('compares, adds and rounds up as Go does', () => {
    expect(cmpQuantity(parseQuantity('500Mi'), parseQuantity('1Gi'))).toBe(-1);
    expect(cmpQuantity(parseQuantity('1000m'), parseQuantity('1'))).toBe(0);
    expect(quantityString(addQuantity(parseQuantity('250m'), parseQuantity('500m')))).toBe('750m');
    expect(quantityString(addQuantity(parseQuantity('64Mi'), parseQuantity('128Mi')))).toBe('192Mi');
    expect(quantityMilliValue(parseQuantity('4'))).toBe(4000n);
    expect(quantityValue(parseQuantity('1500m'))).toBe(2n);
    expect(quantityValue(parseQuantity('1Ki'))).toBe(1024n);
  });
});

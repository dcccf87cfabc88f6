import { describe, expect, it } from 'vitest';
import {
  QUANTITY_FORMAT_ERROR,
  QUANTITY_NUMERIC_ERROR,
  QUANTITY_SUFFIX_ERROR,
  QuantityError,
  compareQuantities,
  isQuantity,
  integerValue,
  milliValue,
  parseQuantity as parseExact,
  quantityNumber,
  tryParseQuantity as tryParseExact,
} from '../../../src/api/quantity.js';

// the plain-number view of the exact parser (what api/quantity.ts returned before it held quantities exactly)
const parseQuantity = (v: string | number): number => quantityNumber(parseExact(v));
const tryParseQuantity = (v: unknown): number | undefined => {
  const q = tryParseExact(v);
  return q && quantityNumber(q);
};
const quantityValue = integerValue;

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['128Mi', 128 * 2 ** 20],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2', 2],
    ['0', 0],
    ['+3', 3],
    ['-1', -1],
    ['.5', 0.5],
    ['1.', 1],
    ['100n', 100e-9],
    ['5u', 5e-6],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['12e-3', 0.012],
    ['1e+2', 100],
    [1, 1],
    [0.25, 0.25],
  ] as const)('%s -> %d', (input, want) => {
    expect(parseQuantity(input)).toBeCloseTo(want, 12);
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1GB', QUANTITY_FORMAT_ERROR],
    ['1 Gi', QUANTITY_FORMAT_ERROR],
    ['Mi', QUANTITY_FORMAT_ERROR],
    ['1kM', QUANTITY_SUFFIX_ERROR],
    ['1.2.3', QUANTITY_SUFFIX_ERROR],
    ['1ee3', QUANTITY_SUFFIX_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['.', QUANTITY_NUMERIC_ERROR],
    ['+.', QUANTITY_NUMERIC_ERROR],
  ])('%j is rejected: %s', (input, message) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    expect(() => parseQuantity(input)).toThrow(message);
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QUANTITY_FORMAT_ERROR);
  });

  it('quotes the regular expression upstream quotes', () => {
    expect(QUANTITY_FORMAT_ERROR).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

describe('helpers', () => {
  it('tryParseQuantity and isQuantity do not throw', () => {
    expect(tryParseQuantity('bad')).toBeUndefined();
    expect(tryParseQuantity({})).toBeUndefined();
    expect(tryParseQuantity('2Ki')).toBe(2048);
    expect(isQuantity('100m')).toBe(true);
    expect(isQuantity('100mm')).toBe(false);
  });

  it.each([
    ['1', '1000m', 0],
    ['1Gi', '1G', 1],
    ['500m', '0.6', -1],
    ['1Ki', 1024, 0],
  ] as const)('compareQuantities(%s, %s) = %d', (a, b, want) => {
    expect(compareQuantities(a, b)).toBe(want);
  });

  it.each([
    ['250m', 250],
    ['1', 1000],
    ['0.1m', 1],
    ['1.1', 1100],
    [0.5, 500],
  ] as const)('milliValue(%s) = %d (rounded up)', (q, want) => {
    expect(milliValue(q)).toBe(want);
  });

  it.each([
    ['128Mi', 134217728],
    ['1.5', 2],
    ['100m', 1],
    ['1k', 1000],
  ] as const)('quantityValue(%s) = %d', (q, want) => {
    expect(quantityValue(q)).toBe(want);
  });
});

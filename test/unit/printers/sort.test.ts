import { describe, expect, it } from 'vitest';
import { goSort, sortValueLess, UnsortableError } from '../../../src/printers/sort.js';

describe('goSort (Go sort.Sort)', () => {
  it('sorts', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const n of [0, 1, 2, 5, 12, 13, 50, 51, 200, 1000]) {
      const xs = Array.from({ length: n }, () => rand() % 100);
      expect(goSort([...xs], (a, b) => a < b)).toEqual([...xs].sort((a, b) => a - b));
    }
  });
  it('handles sorted and reversed input (pattern breaking paths)', () => {
    const up = Array.from({ length: 300 }, (_, i) => i);
    expect(goSort([...up].reverse(), (a, b) => a < b)).toEqual(up);
    expect(goSort([...up], (a, b) => a < b)).toEqual(up);
  });
  it('up to 12 elements it is an insertion sort: a Less that is true for equal keys reverses them', () => {
    // kubectl's --sort-by Less returns true when the left value is missing, even if the right one is missing too
    const xs = [{ k: 1, id: 'a' }, { id: 'b' }, { id: 'c' }, { k: 0, id: 'd' }] as { k?: number; id: string }[];
    const less = (a: { k?: number }, b: { k?: number }): boolean => (a.k === undefined ? true : b.k === undefined ? false : a.k < b.k);
    expect(goSort(xs, less).map((x) => x.id)).toEqual(['c', 'b', 'd', 'a']);
  });
});

describe('sortValueLess (kubectl v1.32 isLess)', () => {
  it.each<[unknown, unknown, boolean]>([
    [1, 2, true],
    [2, 1, false],
    [1.5, 2.5, true],
    ['b', 'a', false],
    ['10.0.0.11', '10.0.0.5', true],
    ['500Mi', '1Gi', true],
    ['1Gi', '500Mi', false],
    ['100m', '1', true],
    [null, 'a', true],
    ['a', null, false],
    [null, null, false],
    [['a', 'b'], ['a', 'c'], false],
    [['a'], ['b'], true],
  ])('%j < %j is %s', (a, b, want) => expect(sortValueLess(a, b)).toBe(want));
  it('mixed or unordered types are unsortable', () => {
    expect(() => sortValueLess(1, 1.5)).toThrow(UnsortableError);
    expect(() => sortValueLess(true, false)).toThrow(UnsortableError);
    expect(() => sortValueLess('a', 1)).toThrow(UnsortableError);
  });
});

// Sorting as kubectl sorts: Go's sort.Sort (pdqsort, deterministic but not stable; insertion sort up to 12
// elements) driven by a Less function, and --sort-by's value ordering (numbers numerically, quantities by value,
// other strings byte-wise, missing values first).
import { cmpQuantity, tryParseQuantity } from '../api/quantity.js';

/** Go's sort.Sort over an array with a Less(a, b) function. Sorts in place and returns the array. */
export function goSort<T>(data: T[], less: (a: T, b: T) => boolean): T[] {
  const n = data.length;
  if (n <= 1) return data;
  const L = (i: number, j: number): boolean => less(data[i]!, data[j]!);
  const swap = (i: number, j: number): void => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number): void => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && L(j, j - 1); j--) swap(j, j - 1);
  };
  const siftDown = (lo: number, hi: number, first: number): void => {
    let root = lo;
    for (;;) {
      let child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && L(first + child, first + child + 1)) child++;
      if (!L(first + root, first + child)) return;
      swap(first + root, first + child);
      root = child;
    }
  };
  const heapSort = (a: number, b: number): void => {
    const first = a;
    const hi = b - a;
    for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(i, hi, first);
    for (let i = hi - 1; i >= 0; i--) {
      swap(first, first + i);
      siftDown(0, i, first);
    }
  };
  const bitsLen = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));
  const breakPatterns = (a: number, b: number): void => {
    const length = b - a;
    if (length >= 8) {
      let random = BigInt(length);
      const next = (): bigint => {
        random ^= (random << 13n) & 0xffffffffffffffffn;
        random ^= random >> 7n;
        random ^= (random << 17n) & 0xffffffffffffffffn;
        return random;
      };
      const modulus = 2 ** bitsLen(length);
      const idx = a + Math.floor(length / 4) * 2 - 1;
      for (let i = 0; i < 3; i++) {
        let other = Number(next() & BigInt(modulus - 1));
        if (other >= length) other -= length;
        swap(idx - 1 + i, a + other);
      }
    }
  };
  let swaps = 0;
  const order2 = (a: number, b: number): [number, number] => {
    if (L(b, a)) {
      swaps++;
      return [b, a];
    }
    return [a, b];
  };
  const median = (a: number, b: number, c: number): number => {
    [a, b] = order2(a, b);
    [b, c] = order2(b, c);
    [a, b] = order2(a, b);
    void c;
    return b;
  };
  const choosePivot = (a: number, b: number): [number, 'unknown' | 'increasing' | 'decreasing'] => {
    const l = b - a;
    swaps = 0;
    let i = a + Math.floor(l / 4) * 1;
    let j = a + Math.floor(l / 4) * 2;
    let k = a + Math.floor(l / 4) * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = median(i - 1, i, i + 1);
        j = median(j - 1, j, j + 1);
        k = median(k - 1, k, k + 1);
      }
      j = median(i, j, k);
    }
    if (swaps === 0) return [j, 'increasing'];
    if (swaps === 12) return [j, 'decreasing'];
    return [j, 'unknown'];
  };
  const reverseRange = (a: number, b: number): void => {
    for (let i = a, j = b - 1; i < j; i++, j--) swap(i, j);
  };
  const partialInsertionSort = (a: number, b: number): boolean => {
    let i = a + 1;
    for (let j = 0; j < 5; j++) {
      while (i < b && !L(i, i - 1)) i++;
      if (i === b) return true;
      if (b - a < 50) return false;
      swap(i, i - 1);
      if (i - a >= 2) {
        for (let k = i - 1; k >= 1; k--) {
          if (!L(k, k - 1)) break;
          swap(k, k - 1);
        }
      }
      if (b - i >= 2) {
        for (let k = i + 1; k < b; k++) {
          if (!L(k, k - 1)) break;
          swap(k, k - 1);
        }
      }
    }
    return false;
  };
  const partitionEqual = (a: number, b: number, pivot: number): number => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    for (;;) {
      while (i <= j && !L(a, i)) i++;
      while (i <= j && L(a, j)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    return i;
  };
  const partition = (a: number, b: number, pivot: number): [number, boolean] => {
    swap(a, pivot);
    let i = a + 1;
    let j = b - 1;
    while (i <= j && L(i, a)) i++;
    while (i <= j && !L(j, a)) j--;
    if (i > j) {
      swap(j, a);
      return [j, true];
    }
    swap(i, j);
    i++;
    j--;
    for (;;) {
      while (i <= j && L(i, a)) i++;
      while (i <= j && !L(j, a)) j--;
      if (i > j) break;
      swap(i, j);
      i++;
      j--;
    }
    swap(j, a);
    return [j, false];
  };
  const pdqsort = (a: number, b: number, limit: number): void => {
    let wasBalanced = true;
    let wasPartitioned = true;
    for (;;) {
      const length = b - a;
      if (length <= 12) {
        insertionSort(a, b);
        return;
      }
      if (limit === 0) {
        heapSort(a, b);
        return;
      }
      if (!wasBalanced) {
        breakPatterns(a, b);
        limit--;
      }
      let [pivot, hint] = choosePivot(a, b);
      if (hint === 'decreasing') {
        reverseRange(a, b);
        pivot = b - 1 - (pivot - a);
        hint = 'increasing';
      }
      if (wasBalanced && wasPartitioned && hint === 'increasing' && partialInsertionSort(a, b)) return;
      if (a > 0 && !L(a - 1, pivot)) {
        a = partitionEqual(a, b, pivot);
        continue;
      }
      const [mid, already] = partition(a, b, pivot);
      wasPartitioned = already;
      const leftLen = mid - a;
      const rightLen = b - mid;
      const threshold = Math.floor(length / 8);
      if (leftLen < rightLen) {
        wasBalanced = leftLen >= threshold;
        pdqsort(a, mid, limit);
        a = mid + 1;
      } else {
        wasBalanced = rightLen >= threshold;
        pdqsort(mid + 1, b, limit);
        b = mid;
      }
    }
  };
  pdqsort(0, n, bitsLen(n));
  return data;
}

export class UnsortableError extends Error {}

/**
 * kubectl get's isLess (v1.32) for two field values from unstructured objects: ints/floats numerically (mixed types
 * are unsortable), strings by quantity when both parse as one, else byte-wise (so `10.0.0.11` < `10.0.0.5`); lists
 * element-wise.
 */
export function sortValueLess(i: unknown, j: unknown): boolean {
  if (i === null || i === undefined) return j !== null && j !== undefined;
  if (j === null || j === undefined) return false;
  if (typeof i === 'number' && typeof j === 'number') {
    if (Number.isInteger(i) !== Number.isInteger(j)) throw new UnsortableError(`unsortable interface: interface`);
    return i < j;
  }
  if (typeof i === 'string' && typeof j === 'string') {
    const qi = tryParseQuantity(i);
    const qj = qi && tryParseQuantity(j);
    if (qi && qj) return cmpQuantity(qi, qj) < 0;
    return Buffer.compare(Buffer.from(i), Buffer.from(j)) < 0;
  }
  if (Array.isArray(i) && Array.isArray(j)) {
    for (let k = 0; k < Math.min(i.length, j.length); k++) {
      const less = sortValueLess(i[k], j[k]);
      if (!less) return less;
    }
    return true;
  }
  const kind = (v: unknown): string => (Array.isArray(v) ? 'slice' : v === null ? 'nil' : typeof v === 'object' ? 'map' : typeof v);
  if (typeof i !== typeof j) throw new UnsortableError('unsortable interface: interface');
  throw new UnsortableError(`unsortable type: ${kind(i)}`);
}

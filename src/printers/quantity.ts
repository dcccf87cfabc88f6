// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parse, compare, add and print in canonical form
// (`500m`, `1Gi`, `1536Mi`, `1k`, `1e3`). Values are held exactly as nano-units (rounded up, as Go rounds up
// anything finer than 1n).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value × 10^9 */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIX).map(([k, v]) => [v, k]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIX).map(([k, v]) => [v, k]));

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[+-]?\d*)$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const ceilDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
};

/** resource.ParseQuantity; undefined when the string is not a quantity. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  const str = typeof input === 'number' ? String(input) : input;
  if (typeof str !== 'string' || str === '') return undefined;
  const m = QUANTITY_RE.exec(str);
  if (!m) return undefined;
  const [, sign, whole, frac, suffix] = m as unknown as [string, string, string, string | undefined, string];
  if (whole === '' && (frac === undefined || frac === '')) return undefined;
  let exp10 = 0;
  let format: QuantityFormat;
  let binExp = 0;
  if (suffix in DECIMAL_SUFFIX) {
    exp10 = DECIMAL_SUFFIX[suffix]!;
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIX) {
    binExp = BINARY_SUFFIX[suffix]!;
    format = 'BinarySI';
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    exp10 = Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    return undefined;
  }
  const digits = BigInt((whole || '0') + (frac ?? ''));
  const scale = (frac ?? '').length; // value = digits × 10^-scale × base^exp
  // nano = digits × 2^binExp × 10^(exp10 - scale + 9), rounded up
  const num = digits * 2n ** BigInt(binExp);
  const e = exp10 - scale + 9;
  let nano = e >= 0 ? num * pow10(e) : ceilDiv(num, pow10(-e));
  if (sign === '-') nano = -nano;
  return { nano, format };
}

export function parseQuantity(input: string): Quantity {
  const q = tryParseQuantity(input);
  if (!q) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return q;
}

/** Quantity.String: the canonical form. */
export function quantityString(q: Quantity): string {
  if (q.nano === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const v = q.nano;
    if ((v > -1024n * 1_000_000_000n && v < 1024n * 1_000_000_000n) || v % 1_000_000_000n !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = q.nano / 1_000_000_000n;
    let exp = 0;
    while (amount % 1024n === 0n && amount !== 0n) {
      amount /= 1024n;
      exp += 10;
    }
    const suffix = BINARY_BY_EXP.get(exp);
    if (suffix !== undefined) return `${amount}${suffix}`;
    // beyond Ei: print the integer in decimal form instead
    return quantityString({ nano: q.nano, format: 'DecimalSI' });
  }
  let m = q.nano;
  let e = -9;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const mod = ((e % 3) + 3) % 3;
  m *= pow10(mod);
  e -= mod;
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  const suffix = DECIMAL_BY_EXP.get(e);
  return suffix !== undefined ? `${m}${suffix}` : `${m}e${e}`;
}

/** Canonical form of a quantity given as text (or number); the input unchanged when it does not parse. */
export function formatQuantity(input: unknown): string {
  const q = tryParseQuantity(input);
  return q ? quantityString(q) : String(input ?? '');
}

export const cmpQuantity = (a: Quantity, b: Quantity): number => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0);

export const addQuantity = (a: Quantity, b: Quantity): Quantity => ({ nano: a.nano + b.nano, format: a.format });

export const ZERO_QUANTITY: Quantity = { nano: 0n, format: 'DecimalSI' };

/** Quantity.Value: rounded up to an integer. */
export const quantityValue = (q: Quantity): bigint => ceilDiv(q.nano, 1_000_000_000n);

/** Quantity.MilliValue: rounded up. */
export const quantityMilliValue = (q: Quantity): bigint => ceilDiv(q.nano, 1_000_000n);

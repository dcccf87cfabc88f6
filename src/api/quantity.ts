// resource.Quantity (k8s.io/apimachinery/pkg/api/resource), the one quantity parser: "500m", "128Mi", "1e3",
// "1.5Gi", 2. Values are held exactly as nano-units (rounded up, as Go rounds up anything finer than 1n), so the
// validation, the scheduler, the kubelet and the printers agree on every comparison. Parse, compare, add, and
// print in canonical form (`500m`, `1Gi`, `1536Mi`, `1k`, `1e3`); the number helpers at the end are for callers
// that do their arithmetic in plain numbers (bytes, millicores).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value × 10^9 */
  readonly nano: bigint;
  readonly format: QuantityFormat;
}

/** The grammar upstream quotes in its error message. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** upstream resource.ErrFormatWrong */
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;
/** upstream resource.ErrNumeric */
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
/** upstream resource.ErrSuffix */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

export class QuantityError extends Error {
  readonly value: unknown;
  constructor(message: string, value: unknown) {
    super(message);
    this.name = 'QuantityError';
    this.value = value;
  }
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIX).map(([k, v]) => [v, k]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIX).map(([k, v]) => [v, k]));
const own = (table: Record<string, number>, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const ceilDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
};

/** The quantity a string spells, or the upstream error message saying why it is none. */
function parseText(s: string): Quantity | string {
  if (s.length === 0 || !QUANTITY_RE.test(s)) return QUANTITY_FORMAT_ERROR;
  // upstream's parser: optional sign, digits, at most one '.', digits; the rest is the suffix
  let i = 0;
  const negative = s[0] === '-';
  if (s[0] === '+' || s[0] === '-') i++;
  const wholeStart = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  const whole = s.slice(wholeStart, i);
  let frac = '';
  if (s[i] === '.') {
    const fracStart = ++i;
    while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
    frac = s.slice(fracStart, i);
  }
  if (whole === '' && frac === '') return QUANTITY_NUMERIC_ERROR;
  const suffix = s.slice(i);
  let exp10 = 0;
  let binExp = 0;
  let format: QuantityFormat;
  if (own(DECIMAL_SUFFIX, suffix)) {
    exp10 = DECIMAL_SUFFIX[suffix]!;
    format = 'DecimalSI';
  } else if (own(BINARY_SUFFIX, suffix)) {
    binExp = BINARY_SUFFIX[suffix]!;
    format = 'BinarySI';
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    exp10 = Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else return QUANTITY_SUFFIX_ERROR;
  // value = digits × 10^-scale × 2^binExp × 10^exp10; nano = that × 10^9, rounded up
  const num = BigInt((whole || '0') + frac) * 2n ** BigInt(binExp);
  const e = exp10 - frac.length + 9;
  const nano = e >= 0 ? num * pow10(e) : ceilDiv(num, pow10(-e));
  return { nano: negative ? -nano : nano, format };
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

/**
 * resource.ParseQuantity of a string or number, surrounding whitespace trimmed as the API server's JSON decoding
 * does. Throws QuantityError with upstream's wording when the value is not a quantity.
 */
export function parseQuantity(value: string | number): Quantity {
  const s = text(value)?.trim();
  const q = s === undefined ? QUANTITY_FORMAT_ERROR : parseText(s);
  if (typeof q === 'string') throw new QuantityError(q, value);
  return q;
}

/** resource.ParseQuantity of the text as it is (no trimming); undefined when it is not a quantity. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  const s = text(input);
  const q = s === undefined ? undefined : parseText(s);
  return typeof q === 'object' ? q : undefined;
}

/** Whether parseQuantity accepts the value. */
export function isQuantity(value: unknown): boolean {
  const s = text(value)?.trim();
  return s !== undefined && typeof parseText(s) === 'object';
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

/** Quantity.Cmp: -1, 0 or 1. */
export const cmpQuantity = (a: Quantity, b: Quantity): number => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0);

export const addQuantity = (a: Quantity, b: Quantity): Quantity => ({ nano: a.nano + b.nano, format: a.format });

export const ZERO_QUANTITY: Quantity = { nano: 0n, format: 'DecimalSI' };

/** Quantity.Value: rounded up to an integer. */
export const quantityValue = (q: Quantity): bigint => ceilDiv(q.nano, 1_000_000_000n);

/** Quantity.MilliValue: rounded up. */
export const quantityMilliValue = (q: Quantity): bigint => ceilDiv(q.nano, 1_000_000n);

// ---- plain-number helpers (for arithmetic in bytes, millicores, ...)

/** -1, 0 or 1, as Quantity.Cmp; both must parse (parseQuantity). */
export const compareQuantities = (a: string | number, b: string | number): number => cmpQuantity(parseQuantity(a), parseQuantity(b));

/** Quantity.MilliValue() of a value: "250m" -> 250, "1" -> 1000, rounded up. Throws as parseQuantity. */
export const milliValue = (value: string | number): number => Number(quantityMilliValue(parseQuantity(value)));

/** Quantity.Value() of a value: "1.5" -> 2, "128Mi" -> 134217728, rounded up. Throws as parseQuantity. */
export const integerValue = (value: string | number): number => Number(quantityValue(parseQuantity(value)));

/** The quantity as a plain number (a double: "500m" -> 0.5, "1Gi" -> 1073741824). */
export const quantityNumber = (q: Quantity): number => Number(q.nano) / 1e9;

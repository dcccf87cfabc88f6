// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): "500m", "128Mi", "1e3", "1.5Gi", 2.
// Parsed to a plain number (cores, bytes, ...). Upstream keeps them fixed-point; kctl only compares and converts
// them (requests <= limits, memory bytes, CPU shares), where a double is exact enough.

/** The grammar upstream quotes in its error message. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** upstream resource.ErrFormatWrong */
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;
/** upstream resource.ErrNumeric */
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
/** upstream resource.ErrSuffix */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export class QuantityError extends Error {
  readonly value: unknown;
  constructor(message: string, value: unknown) {
    super(message);
    this.name = 'QuantityError';
    this.value = value;
  }
}

/** Multiplier for a quantity suffix ("Mi", "m", "e3", ""), or undefined when the suffix is not one upstream knows. */
function suffixMultiplier(suffix: string): number | undefined {
  if (suffix in BINARY) return BINARY[suffix];
  if (suffix in DECIMAL) return DECIMAL[suffix];
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return exp ? 10 ** Number(exp[1]) : undefined;
}

/**
 * Parses a quantity to a number ("500m" -> 0.5, "128Mi" -> 134217728, "1e3" -> 1000, 2 -> 2).
 * Throws QuantityError with upstream's wording when the value is not a quantity.
 */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new QuantityError(QUANTITY_FORMAT_ERROR, value);
    return value;
  }
  if (typeof value !== 'string') throw new QuantityError(QUANTITY_FORMAT_ERROR, value);
  const s = value.trim();
  if (s.length === 0 || !QUANTITY_RE.test(s)) throw new QuantityError(QUANTITY_FORMAT_ERROR, value);
  // Upstream's parser: optional sign, digits, at most one '.', digits; the rest is the suffix.
  let i = 0;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    i++;
  }
  const start = i;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') i++;
  if (s[i] === '.') {
    i++;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') i++;
  }
  const numeric = s.slice(start, i);
  if (numeric === '' || numeric === '.') throw new QuantityError(QUANTITY_NUMERIC_ERROR, value);
  const mult = suffixMultiplier(s.slice(i));
  if (mult === undefined) throw new QuantityError(QUANTITY_SUFFIX_ERROR, value);
  return sign * Number(numeric) * mult;
}

/** parseQuantity that returns undefined instead of throwing. */
export function tryParseQuantity(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

export const isQuantity = (value: unknown): boolean => tryParseQuantity(value) !== undefined;

/** -1, 0 or 1, as Quantity.Cmp. Both must parse. */
export function compareQuantities(a: string | number, b: string | number): number {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.MilliValue(): "250m" -> 250, "1" -> 1000, rounded up as upstream does. */
export const milliValue = (value: string | number): number => Math.ceil(parseQuantity(value) * 1000 - 1e-9);

/** Quantity.Value(): "1.5" -> 2, "128Mi" -> 134217728, rounded up as upstream does. */
export const quantityValue = (value: string | number): number => Math.ceil(parseQuantity(value) - 1e-9);

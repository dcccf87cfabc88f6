// Label selectors, as k8s.io/apimachinery pkg/labels parses, matches and prints them, and metav1.LabelSelector
// (matchLabels/matchExpressions) conversion. Error texts are labels.Parse's, byte for byte.
import { KctlError } from '../util/errors.js';
import type { LabelSelector } from './types.js';

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A parsed selector: AND of requirements (sorted by key). `nothing` selects no object (a nil LabelSelector). */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: boolean;
}

export type Labels = Readonly<Record<string, string>> | null | undefined;

export const EVERYTHING: Selector = { requirements: [] };
export const NOTHING: Selector = { requirements: [], nothing: true };

/** A selector that does not parse or validate: `unable to parse requirement: ...`. Exit code 1. */
export class SelectorParseError extends KctlError {
  constructor(message: string) {
    super('Usage', message);
  }
}

// ---- validation (k8s.io/apimachinery/pkg/util/validation) ----

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

const regexError = (msg: string, fmt: string, ...examples: string[]): string => {
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
};
const maxLenError = (n: number): string => `must be no more than ${n} characters`;
const utf8Len = (s: string): number => Buffer.byteLength(s, 'utf8');

const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** validation.IsQualifiedName: label and annotation keys (`[prefix/]name`). Returns the problems; [] when valid. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) {
      errs.push('prefix part must be non-empty');
    } else {
      for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
    }
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (utf8Len(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME_RE.test(name))
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Len(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  return errs;
}

/** validation.IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Len(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  return errs;
}

/** Go's %q for strings. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// field.Invalid(path, value, detail).Error(); a nil path prints as "<nil>".
const invalid = (path: string, value: string, detail: string): string =>
  `${path}: Invalid value: ${goQuote(value)}: ${detail}`;

const aggregate = (errs: string[]): string | undefined => {
  const seen: string[] = [];
  for (const e of errs) if (!seen.includes(e)) seen.push(e);
  if (seen.length === 0) return undefined;
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
};

const validateKey = (key: string, path: string): string | undefined => {
  const errs = isQualifiedName(key);
  return errs.length ? invalid(path, key, errs.join('; ')) : undefined;
};

/** labels.NewRequirement: validates the key, the operator's arity and every value. */
export function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  const ke = validateKey(key, 'key');
  if (ke) errs.push(ke);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(`values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(`values: Invalid value: ${goStringSlice(values)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(`values: Invalid value: ${goStringSlice(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1)
        errs.push(`values: Invalid value: ${goStringSlice(values)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v) || !fitsInt64(v))
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalid(`values[${i}][${key}]`, v, ve.join('; ')));
  });
  const msg = aggregate(errs);
  if (msg !== undefined) throw new SelectorParseError(msg);
  return { key, operator, values };
}

const goStringSlice = (v: readonly string[]): string => `[]string{${v.map(goQuote).join(', ')}}`;
const fitsInt64 = (v: string): boolean => {
  const n = BigInt(v);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
};

// ---- lexer / parser (labels.Parse) ----

const enum Tok {
  Error,
  EOS,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch) && ch !== '';

function lex(s: string): { tok: Tok; lit: string }[] {
  const items: { tok: Tok; lit: string }[] = [];
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : '');
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    if (ch === '') {
      items.push({ tok: Tok.EOS, lit: '' });
      return items;
    }
    pos--;
    if (isSpecial(ch)) {
      let buffer = '';
      let last: { tok: Tok; lit: string } | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c)) {
          buffer += c;
          const t = STRING_TO_TOKEN[buffer];
          if (t !== undefined) last = { tok: t, lit: buffer };
          else if (last) {
            pos--;
            break;
          }
        } else {
          pos--;
          break;
        }
      }
      items.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          pos--;
          break;
        }
        buffer += c;
      }
      const t = STRING_TO_TOKEN[buffer];
      items.push({ tok: t ?? Tok.Identifier, lit: buffer });
    }
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: { tok: Tok; lit: string }[]) {}

  private lookahead(values: boolean): [Tok, string] {
    const it = this.items[this.position]!;
    return [values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? Tok.Identifier : it.tok, it.lit];
  }
  private consume(values: boolean): [Tok, string] {
    const r = this.lookahead(values);
    this.position++;
    return r;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const [tok, lit] = this.lookahead(true);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: Requirement;
          try {
            r = this.parseRequirement();
          } catch (e) {
            throw new SelectorParseError(`unable to parse requirement: ${(e as Error).message}`);
          }
          reqs.push(r);
          const [t, l] = this.consume(true);
          if (t === Tok.EOS) return reqs;
          if (t === Tok.Comma) {
            const [t2, l2] = this.lookahead(true);
            if (t2 !== Tok.Identifier && t2 !== Tok.DoesNotExist)
              throw new SelectorParseError(`found '${l2}', expected: identifier after ','`);
          } else {
            throw new SelectorParseError(`found '${l}', expected: ',' or 'end of string'`);
          }
          break;
        }
        case Tok.EOS:
          return reqs;
        default:
          throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): Requirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): [string, Operator | undefined] {
    let op: Operator | undefined;
    let [tok, lit] = this.consume(true);
    if (tok === Tok.DoesNotExist) {
      op = '!';
      [tok, lit] = this.consume(true);
    }
    if (tok !== Tok.Identifier) throw new Error(`found '${lit}', expected: identifier`);
    const ke = validateKey(lit, '<nil>');
    if (ke) throw new Error(ke);
    const [t] = this.lookahead(true);
    if ((t === Tok.EOS || t === Tok.Comma) && op !== '!') op = 'exists';
    return [lit, op];
  }

  private parseOperator(): Operator {
    const [tok, lit] = this.consume(false);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new Error(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private parseValues(): Set<string> {
    let [tok, lit] = this.consume(true);
    if (tok !== Tok.OpenPar) throw new Error(`found '${lit}' expected: '('`);
    [tok, lit] = this.lookahead(true);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        const [t] = this.consume(true);
        if (t !== Tok.ClosedPar) throw new Error(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(true);
        return new Set(['']);
      default:
        throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const [tok, lit] = this.consume(true);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const [tok2, lit2] = this.lookahead(true);
        if (tok2 === Tok.Comma) continue;
        if (tok2 === Tok.ClosedPar) return s;
        throw new Error(`found '${lit2}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (s.size === 0) s.add('');
        const [tok2] = this.lookahead(true);
        if (tok2 === Tok.ClosedPar) {
          s.add('');
          return s;
        }
        if (tok2 === Tok.Comma) {
          this.consume(true);
          s.add('');
        }
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const [tok] = this.lookahead(true);
    if (tok === Tok.EOS || tok === Tok.Comma) return new Set(['']);
    const [t, lit] = this.consume(true);
    if (t === Tok.Identifier) return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

const byKey = (reqs: Requirement[]): Requirement[] =>
  reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);

/**
 * labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined (AND).
 * Throws SelectorParseError with kubectl's message (`unable to parse requirement: ...`, `found ',', expected: ...`).
 */
export function parseSelector(selector: string): Selector {
  const reqs = new Parser(lex(selector)).parse();
  return { requirements: byKey(reqs) };
}

const has = (labels: Labels, key: string): boolean =>
  !!labels && Object.prototype.hasOwnProperty.call(labels, key);

/** Requirement.Matches. */
export function requirementMatches(r: Requirement, labels: Labels): boolean {
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has(labels, r.key) && r.values.includes(labels![r.key]!);
    case 'notin':
    case '!=':
      return !has(labels, r.key) || !r.values.includes(labels![r.key]!);
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key)) return false;
      const v = labels![r.key]!;
      if (!/^[+-]?\d+$/.test(v) || r.values.length !== 1 || !/^[+-]?\d+$/.test(r.values[0]!)) return false;
      const a = BigInt(v);
      const b = BigInt(r.values[0]!);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** True when every requirement matches (a selector string is parsed first). */
export function matches(selector: Selector | string, labels: Labels): boolean {
  const sel = typeof selector === 'string' ? parseSelector(selector) : selector;
  if (sel.nothing) return false;
  return sel.requirements.every((r) => requirementMatches(r, labels));
}

export const isEmptySelector = (sel: Selector): boolean => !sel.nothing && sel.requirements.length === 0;

const OP_TEXT: Record<Operator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** Requirement.String: `!a`, `a`, `a=b`, `a in (x,y)` (values sorted for output). */
export function requirementString(r: Requirement): string {
  let s = (r.operator === '!' ? '!' : '') + r.key;
  if (r.operator === 'exists' || r.operator === '!') return s;
  s += OP_TEXT[r.operator];
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

/** Selector.String: requirements joined by ","; "" for everything and for nothing. */
export function selectorString(sel: Selector): string {
  return sel.requirements.map(requirementString).join(',');
}

/** labels.SelectorFromSet: one `key=value` requirement per label (no validation, as SelectorFromValidatedSet). */
export function selectorFromSet(set: Labels): Selector {
  if (!set) return EVERYTHING;
  return { requirements: byKey(Object.keys(set).map((k) => ({ key: k, operator: '=' as const, values: [set[k]!] }))) };
}

/**
 * metav1.LabelSelectorAsSelector: undefined/null selects nothing, {} selects everything; matchLabels become `=`,
 * matchExpressions In/NotIn/Exists/DoesNotExist. Throws SelectorParseError for an invalid selector.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  if (Object.keys(ml).length + me.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const k of Object.keys(ml).sort()) reqs.push(newRequirement(k, '=', [ml[k]!]));
  for (const e of me) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[
      e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    ];
    if (!op) throw new SelectorParseError(`${goQuote(String(e.operator))} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return { requirements: byKey(reqs) };
}

/** metav1.FormatLabelSelector: `app=web,tier in (fe)`; `<none>` when it selects everything or is nil; `<error>`. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = selectorString(selectorFromLabelSelector(ls));
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}

/** True when a LabelSelector (nil selects nothing) matches the labels. */
export function labelSelectorMatches(ls: LabelSelector | null | undefined, labels: Labels): boolean {
  return matches(selectorFromLabelSelector(ls), labels);
}

/** labels.Set.String: `k=v` pairs sorted as strings and joined by ","; "" when empty. */
export function labelsString(labels: Labels): string {
  if (!labels) return '';
  return Object.keys(labels)
    .map((k) => `${k}=${labels[k]}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(',');
}

/** labels.FormatLabels: as labelsString, or `<none>` when there are no labels. */
export function formatLabels(labels: Labels): string {
  const s = labelsString(labels);
  return s === '' ? '<none>' : s;
}

// YAML as kubectl writes it (sigs.k8s.io/yaml → goyaml.v2 emitter): map keys in goyaml.v2's order, block style,
// sequences not indented under their key, `{}`/`[]` for empty collections, strings plain when they cannot be
// read back as anything else, "double-quoted" when they look like a bool/number/null/timestamp, 'single-quoted'
// when they hold YAML indicators, `|` literal blocks for multi-line text, and long lines folded past column 80.
// Written from the goyaml.v2 rules rather than with the `yaml` package so the bytes match kubectl's.
import { goFloatV } from './gofmt.js';

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

// ---- goyaml.v2 resolve(): would this plain scalar read back as something other than a string?

const BOOL_NULL = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const GO_FLOAT = /^[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][-+]?\d+|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])$/;

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return false;
  const h = Number(m[4] ?? m[7] ?? 0);
  const mi = Number(m[5] ?? m[8] ?? 0);
  const se = Number(m[6] ?? m[9] ?? 0);
  return h < 24 && mi < 60 && se < 60;
}
/** strconv.ParseInt / ParseUint with base 0 (prefixes 0x, 0o, 0b, leading 0 for octal, optional sign). */
function isGoInt(s: string): boolean {
  const body = s.replace(/^[+-]/, '');
  if (/^[1-9]\d*$|^0$/.test(body)) return BigInt(body) <= 18446744073709551615n;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) return BigInt(body) <= 18446744073709551615n;
  if (/^0[bB][01]+$/.test(body)) return BigInt(body) <= 18446744073709551615n;
  if (/^0[oO]?[0-7]+$/.test(body)) return BigInt(`0o${body.replace(/^0[oO]?/, '')}`) <= 18446744073709551615n;
  return false;
}

/** True when goyaml.v2 resolves the plain scalar to a non-string (so it must be quoted). */
export function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  const c = s[0]!;
  const hint = '+-0123456789'.includes(c) ? 'DS' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (!hint) return false;
  if (BOOL_NULL.has(s)) return true;
  if (hint === 'M') return false;
  if (hint === '.') return GO_FLOAT.test(s);
  if (/^\d{4}-/.test(s) && isTimestamp(s)) return true;
  const plain = s.replace(/_/g, '');
  if (isGoInt(plain)) return true;
  if (YAML_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

// ---- libyaml scalar analysis

const isBreak = (c: string): boolean => c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isPrintable = (c: string): boolean => {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
};

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(value: string): Analysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = [...value];
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockInd = true;
    flowInd = true;
  }
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWs = i + 1 >= chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowInd = true;
        blockInd = true;
      } else if (c === '?' || c === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      } else if (c === '-' && followedByWs) {
        flowInd = true;
        blockInd = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowInd = true;
    } else if (c === ':') {
      flowInd = true;
      if (followedByWs) blockInd = true;
    } else if (c === '#' && precededByWs) {
      flowInd = true;
      blockInd = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlank(c) || isBreak(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.singleQuoted = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.singleQuoted = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

function chooseStyle(s: string, simpleKey: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : !resolvesToNonString(s) && !BASE60_FLOAT.test(s) ? 'plain' : 'double';
  const a = analyze(s);
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlain) style = 'single';
    if (s === '' && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuoted) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

// ---- goyaml.v2 map key order (sorter.go keyList.Less)

const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);
const isDigitRune = (c: string | undefined): boolean => c !== undefined && /^\p{Nd}$/u.test(c);

export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigitRune(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigitRune(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigitRune(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

const yamlKeyCompare = (a: string, b: string): number => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0);

// ---- emitter

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  /** write_indicator(ind, need_whitespace) */
  indicator(ind: string, needWhitespace: boolean, isWhitespace = false, isIndention = false): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  scalar(s: string, indent: number, simpleKey: boolean): void {
    const style = chooseStyle(s, simpleKey);
    const allowBreaks = !simpleKey;
    if (style === 'plain') this.plain(s, indent, allowBreaks);
    else if (style === 'single') this.single(s, indent, allowBreaks);
    else if (style === 'double') this.double(s, indent, allowBreaks);
    else this.literal(s, indent);
  }

  private plain(s: string, indent: number, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const chars = [...s];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent(indent);
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private single(s: string, indent: number, allowBreaks: boolean): void {
    this.indicator("'", true);
    const chars = [...s];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ')
          this.writeIndent(indent);
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        if (c === '\n') this.putBreak();
        else {
          this.put(c);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent(indent);
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.indicator("'", false);
    this.whitespace = false;
    this.indention = false;
  }

  private double(s: string, indent: number, allowBreaks: boolean): void {
    this.indicator('"', true);
    const chars = [...s];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintable(c) || cp === 0xfeff || isBreak(c) || c === '"' || c === '\\') {
        const esc: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        let e = esc[cp];
        if (e === undefined) {
          const w = cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8;
          e = (w === 2 ? 'x' : w === 4 ? 'u' : 'U') + cp.toString(16).toUpperCase().padStart(w, '0');
        }
        this.put(`\\${e}`);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.writeIndent(indent);
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(s: string, indent: number): void {
    this.indicator('|', true);
    const chars = [...s];
    if (chars[0] === ' ' || isBreak(chars[0] ?? '')) this.indicator(String(BEST_INDENT), false);
    let chomp = '';
    const last = chars[chars.length - 1];
    if (chars.length === 0 || !isBreak(last!)) chomp = '-';
    else if (chars.length === 1 || isBreak(chars[chars.length - 2]!)) chomp = '+';
    if (chomp) this.indicator(chomp, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent(indent);
          breaks = false;
        }
        this.put(c);
        this.indention = false;
      }
    }
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const scalarText = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return goFloatV(v);
  }
  if (typeof v === 'bigint') return v.toString();
  return undefined;
};

function emitNode(e: Emitter, v: unknown, indent: number, ctx: 'map-value' | 'seq-item' | 'root', sortKeys: boolean): void {
  // indent: the indentation of the enclosing collection's entries
  if (typeof v === 'string') {
    e.scalar(v, indent + BEST_INDENT, false);
    return;
  }
  const st = scalarText(v);
  if (st !== undefined) {
    if (!e.whitespace) e.put(' ');
    e.put(st);
    e.whitespace = false;
    e.indention = false;
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      e.indicator('[]', true);
      return;
    }
    // a sequence directly under a mapping key is not indented ("indentless")
    const seqIndent = ctx === 'map-value' ? indent : ctx === 'root' ? 0 : indent + BEST_INDENT;
    for (const item of v) {
      e.writeIndent(seqIndent);
      e.indicator('-', true, false, true);
      emitNode(e, item, seqIndent, 'seq-item', sortKeys);
    }
    return;
  }
  if (isMapping(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) {
      e.indicator('{}', true);
      return;
    }
    if (sortKeys) keys.sort(yamlKeyCompare);
    const mapIndent = ctx === 'root' ? 0 : indent + BEST_INDENT;
    for (const k of keys) {
      e.writeIndent(mapIndent);
      if (Buffer.byteLength(k) > 128 || analyze(k).multiline) {
        // not a simple key: `? key` / `: value`
        e.indicator('?', true, false, true);
        e.scalar(k, mapIndent + BEST_INDENT, false);
        e.writeIndent(mapIndent);
        e.indicator(':', true, false, true);
      } else {
        e.scalar(k, mapIndent + BEST_INDENT, true);
        e.indicator(':', false);
      }
      emitNode(e, v[k], mapIndent, 'map-value', sortKeys);
    }
    return;
  }
  e.scalar(String(v), indent + BEST_INDENT, false);
}

// JSONToYAML re-reads Go's JSON as YAML; Go leaves U+0085 unescaped, and YAML folds it (a line break inside a
// double-quoted scalar) into a space.
function foldNEL(v: unknown): unknown {
  if (typeof v === 'string') return v.includes('\u0085') ? v.replace(/[ \t]*\u0085[ \t]*/g, ' ') : v;
  if (Array.isArray(v)) return v.map(foldNEL);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[foldNEL(k) as string] = foldNEL(x);
    return o;
  }
  return v;
}

export interface YAMLOptions {
  /** Order map keys as goyaml.v2 does (what kubectl prints for objects read from the API). Default true. */
  sortKeys?: boolean;
}

/** yaml.Marshal of a JSON-compatible value; always ends with a newline. */
export function toYAML(value: unknown, opts: YAMLOptions = {}): string {
  const e = new Emitter();
  emitNode(e, foldNEL(value), 0, 'root', opts.sortKeys ?? true);
  e.writeIndent(0); // document end: a newline unless a block scalar already ended the line
  return e.out;
}

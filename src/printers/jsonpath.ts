// kubectl's JSONPath template language (k8s.io/client-go/util/jsonpath): `{.metadata.name}`, `{.items[*].spec}`,
// `{range .items[*]}{.metadata.name}{"\n"}{end}`, filters `[?(@.type=="Ready")]`, `..` recursive descent, slices
// `[0]`, `[-1:]`, `[::2]`, unions `[0,2]`, escaped keys `.a\.b`, quoted literals. Values print as kubectl prints
// them: strings raw, maps and lists as compact JSON, null as `null`, several results of one action space-separated.
import { goJSON } from './json.js';
import { goQuote } from '../api/labels.js';
import { goFloatV } from '../util/gofmt.js';

type Node =
  | { t: 'list'; nodes: Node[] }
  | { t: 'text'; text: string }
  | { t: 'field'; name: string }
  | { t: 'array'; params: [Param, Param, Param] }
  | { t: 'filter'; left: ListNode; right: ListNode; op: string }
  | { t: 'int'; value: number }
  | { t: 'float'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'union'; nodes: ListNode[] }
  | { t: 'ident'; name: string };
type ListNode = { t: 'list'; nodes: Node[] };
interface Param {
  known: boolean;
  value: number;
  derived: boolean;
}

export class JSONPathParseError extends Error {}
export class JSONPathExecError extends Error {}

// ---------------------------------------------------------------- parser (client-go util/jsonpath/parser.go)

const isTerminator = (r: string): boolean => r === '' || ' \t\r\n.,[]$@{}'.includes(r);
const isAlphaNumeric = (r: string): boolean => r === '_' || /^[\p{L}\p{Nd}]$/u.test(r);
const isDigit = (r: string): boolean => /^\p{Nd}$/u.test(r);
const SLICE_RE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const DICT_KEY_RE = /^'([^']*)'$/;
const FILTER_RE = /^([^!<>=]+)([!<>=]+)(.+?)$/s;

class Parser {
  root: ListNode = { t: 'list', nodes: [] };
  private pos = 0;
  private start = 0;
  private width = 0;
  constructor(private readonly input: string) {}

  static parse(text: string): ListNode {
    const p = new Parser(text);
    p.parseText(p.root);
    return p.root;
  }
  /** parseAction: parses "{text}" and returns the action's list. */
  static parseAction(text: string): ListNode {
    return Parser.parse(`{${text}}`).nodes[0] as ListNode;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return '';
    }
    const cp = this.input.codePointAt(this.pos)!;
    const r = String.fromCodePoint(cp);
    this.width = r.length;
    this.pos += this.width;
    return r;
  }
  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }
  private backup(): void {
    this.pos -= this.width;
  }
  private consumeText(): string {
    const v = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ t: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const node: ListNode = { t: 'list', nodes: [] };
        cur.nodes.push(node);
        this.parseInsideAction(node);
        return;
      }
      if (this.next() === '') break;
    }
    if (this.pos > this.start) cur.nodes.push({ t: 'text', text: this.consumeText() });
  }

  private parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        this.parseText(this.root);
        return;
      }
      if (rest.startsWith('[?(')) return this.parseFilter(cur);
      if (rest.startsWith('..')) return this.parseRecursive(cur);
      const r = this.next();
      if (r === '' || r === '\r' || r === '\n') throw new JSONPathParseError('unclosed action');
      if (r === ' ' || r === '@' || r === '$') {
        this.consumeText();
        continue;
      }
      if (r === '[') return this.parseArray(cur);
      if (r === '"' || r === "'") return this.parseQuote(cur, r);
      if (r === '.') return this.parseField(cur);
      if (r === '+' || r === '-' || isDigit(r)) {
        this.backup();
        return this.parseNumber(cur);
      }
      if (isAlphaNumeric(r)) {
        this.backup();
        return this.parseIdentifier(cur);
      }
      throw new JSONPathParseError(`unrecognized character in action: ${goRuneU(r)}`);
    }
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      if (isTerminator(this.next())) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === 'true' || value === 'false') cur.nodes.push({ t: 'bool', value: value === 'true' });
    else cur.nodes.push({ t: 'ident', name: value });
    this.parseInsideAction(cur);
  }

  private parseRecursive(cur: ListNode): void {
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ t: 'recursive' });
    if (isAlphaNumeric(this.peek())) return this.parseField(cur);
    this.parseInsideAction(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r0 = this.peek();
    if (r0 === '+' || r0 === '-') this.next();
    for (;;) {
      const r = this.next();
      if (r !== '.' && !isDigit(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value)) cur.nodes.push({ t: 'int', value: Number(value) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ t: 'float', value: Number(value) });
    else throw new JSONPathParseError(`cannot parse number ${value}`);
    this.parseInsideAction(cur);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consumeText();
    text = text.slice(1, -1);
    if (text === '*') text = ':';
    const strs = text.split(',');
    if (strs.length > 1) {
      const union: ListNode[] = strs.map((s) => Parser.parseAction(`[${s.trim()}]`));
      cur.nodes.push({ t: 'union', nodes: union });
      return this.parseInsideAction(cur);
    }
    const dict = DICT_KEY_RE.exec(text);
    if (dict) {
      for (const n of Parser.parseAction(`.${dict[1]}`).nodes) cur.nodes.push(n);
      return this.parseInsideAction(cur);
    }
    const m = SLICE_RE.exec(text);
    if (!m) throw new JSONPathParseError(`invalid array index ${text}`);
    const parts = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = parts[i]!;
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') params.push({ known: false, value: 0, derived: false });
        else {
          if (!/^[+-]?\d+$/.test(v)) throw new JSONPathParseError(`array index ${v} is not a number`);
          params.push({ known: true, value: Number(v), derived: false });
        }
      } else if (i === 1) {
        params.push({ known: true, value: params[0]!.value + 1, derived: true });
      } else {
        params.push({ known: false, value: 0, derived: false });
      }
    }
    cur.nodes.push({ t: 'array', params: params as [Param, Param, Param] });
    this.parseInsideAction(cur);
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')') {
        if (begin === end) break;
      }
    }
    if (this.next() !== ']') throw new JSONPathParseError('unclosed array expect ]');
    let text = this.consumeText();
    text = text.slice(0, -2);
    const m = FILTER_RE.exec(text);
    if (!m) {
      cur.nodes.push({ t: 'filter', left: Parser.parseAction(text), right: { t: 'list', nodes: [] }, op: 'exists' });
    } else {
      cur.nodes.push({ t: 'filter', left: Parser.parseAction(m[1]!), right: Parser.parseAction(m[3]!), op: m[2]! });
    }
    this.parseInsideAction(cur);
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated quoted string');
      if (r === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    let s: string;
    try {
      s = unquoteExtend(value);
    } catch (e) {
      throw new JSONPathParseError(`unquote string ${value} error ${(e as Error).message}`);
    }
    cur.nodes.push({ t: 'text', text: s });
    this.parseInsideAction(cur);
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    for (;;) {
      const r = this.next();
      if (r === '\\') {
        this.next();
      } else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (value === '*') cur.nodes.push({ t: 'wildcard' });
    else cur.nodes.push({ t: 'field', name: value.replace(/\\/g, '') });
    this.parseInsideAction(cur);
  }
}

const goRuneU = (r: string): string => {
  const cp = r.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${r}'`;
};

/** strconv.Unquote extended to single-quoted strings. */
function unquoteExtend(s: string): string {
  const q = s[0];
  if (s.length < 2 || q !== s[s.length - 1] || (q !== '"' && q !== "'")) throw new Error('invalid syntax');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === q) throw new Error('invalid syntax');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e === undefined) throw new Error('invalid syntax');
    if (e in simple) out += simple[e];
    else if (e === "'" || e === '"') {
      if (e !== q) throw new Error('invalid syntax');
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new Error('invalid syntax');
      out += e === 'x' ? Buffer.from([parseInt(hex, 16)]).toString('latin1') : String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new Error('invalid syntax');
  }
  return out;
}

// ---------------------------------------------------------------- evaluation

/** A value in the document; `Byte` marks the elements of a string walked by `*`/`..` (Go treats strings as bytes). */
class Byte {
  constructor(readonly b: number) {}
}
type Value = unknown;

const isMap = (v: Value): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Byte);
const isNil = (v: Value): boolean => v === null || v === undefined;

/** Go type name as reflect prints it for unstructured data. */
function goTypeName(v: Value): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Byte) return 'uint8';
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return 'interface {}';
}

const sortedKeys = (m: Record<string, unknown>): string[] => Object.keys(m).sort();

function children(v: Value): Value[] {
  if (isMap(v)) return sortedKeys(v).map((k) => v[k]);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...Buffer.from(v, 'utf8')].map((b) => new Byte(b));
  return [];
}

type Kind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';
const basicKind = (v: Value): Kind => {
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Byte) return 'uint';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  return 'invalid';
};
const numOf = (v: Value): number => (v instanceof Byte ? v.b : (v as number));

function tEqual(a: Value, b: Value): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new JSONPathExecError('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return numOf(a) === numOf(b);
    throw new JSONPathExecError('incompatible types for comparison');
  }
  return k1 === 'uint' ? numOf(a) === numOf(b) : a === b;
}
function tLess(a: Value, b: Value): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k2 === 'invalid') throw new JSONPathExecError('invalid type for comparison');
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) return numOf(a) < numOf(b);
    throw new JSONPathExecError('incompatible types for comparison');
  }
  if (k1 === 'bool') throw new JSONPathExecError('invalid type for comparison');
  if (k1 === 'uint') return numOf(a) < numOf(b);
  return (a as number | string) < (b as number | string);
}

/** Go's fmt %v of a value (used for custom-columns cells and filter error messages). */
export function goSprint(v: Value): string {
  if (v === null || v === undefined) return '<nil>';
  if (v instanceof Byte) return String(v.b);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloatV(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goSprint(v[k])}`).join(' ')}]`;
  return String(v);
}

export interface JSONPathOptions {
  /** kubectl's --allow-missing-template-keys (default true): a missing field yields nothing instead of an error. */
  allowMissingKeys?: boolean;
}

type Item =
  | { t: 'text'; text: string }
  | { t: 'action'; list: ListNode }
  | { t: 'range'; list: ListNode; body: Item[]; closed: boolean };

/** A parsed template. Throws JSONPathParseError (`unclosed action`, ...) for bad syntax. */
export class JSONPath {
  private readonly items: Item[];
  constructor(
    readonly template: string,
    private readonly opts: JSONPathOptions = {},
  ) {
    this.items = toItems(Parser.parse(template).nodes);
  }

  /** The result groups (one per action or text), as client-go FindResults returns them. */
  findResults(data: unknown): Value[][] {
    const out: Value[][] = [];
    this.run(this.items, data, out);
    return out;
  }

  /** Template output, as kubectl -o jsonpath prints it (no trailing newline added). */
  execute(data: unknown): string {
    return this.findResults(data)
      .map((group) => group.map(textOf).join(' '))
      .join('');
  }

  /** jsonpath-as-json: all results of all actions as one JSON array, 4-space indented, newline-terminated. */
  executeAsJSON(data: unknown): string {
    return this.findResults(data)
      .map((group) => `${goJSON(group.map(plain), '    ')}\n`)
      .join('');
  }

  private run(items: Item[], cur: unknown, out: Value[][]): void {
    for (const it of items) {
      if (it.t === 'text') out.push([it.text]);
      else if (it.t === 'action') {
        if (isEnd(it.list)) throw new JSONPathExecError('not in range, nothing to end');
        out.push(this.walkList([cur], it.list));
      } else {
        const rest: ListNode = { t: 'list', nodes: it.list.nodes.slice(1) };
        for (const v of this.walkList([cur], rest)) this.run(it.body, plain(v), out);
        // client-go resumes after the block's {end}; without one, it goes on with the body in the outer scope
        if (!it.closed) this.run(it.body, cur, out);
      }
    }
  }

  private walkList(input: Value[], list: ListNode): Value[] {
    let cur = input;
    for (const n of list.nodes) cur = this.walk(cur, n);
    return cur;
  }

  private walk(input: Value[], node: Node): Value[] {
    switch (node.t) {
      case 'list':
        return this.walkList(input, node);
      case 'text':
        return [node.text];
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return evalArray(input, node.params);
      case 'filter':
        return this.evalFilter(input, node);
      case 'int':
      case 'float':
      case 'bool':
        return input.map(() => node.value);
      case 'wildcard':
        return input.flatMap((v) => (isNil(v) ? [] : children(v)));
      case 'recursive':
        return evalRecursive(input);
      case 'union':
        return node.nodes.flatMap((l) => this.walkList(input, l));
      case 'ident':
        if (node.name === 'range' || node.name === 'end') return input;
        throw new JSONPathExecError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalField(input: Value[], name: string): Value[] {
    if (input.length === 0) return [];
    const results: Value[] = [];
    for (const v of input) {
      if (isNil(v)) continue;
      if (isMap(v) && Object.prototype.hasOwnProperty.call(v, name)) results.push(v[name]);
    }
    if (results.length === 0 && this.opts.allowMissingKeys === false) throw new JSONPathExecError(`${name} is not found`);
    return results;
  }

  private evalFilter(input: Value[], node: Extract<Node, { t: 'filter' }>): Value[] {
    const results: Value[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) throw new JSONPathExecError(`${goSprint(v)} is not array or slice and cannot be filtered`);
      for (const el of v) {
        let lefts: Value[];
        if (node.op === 'exists') {
          try {
            lefts = this.walkList([el], node.left);
          } catch {
            lefts = [];
          }
          if (lefts.length > 0) results.push(el);
          continue;
        }
        lefts = this.walkList([el], node.left);
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        const rights = this.walkList([el], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        const l = lefts[0];
        const r = rights[0];
        let pass: boolean;
        switch (node.op) {
          case '<':
            pass = tLess(l, r);
            break;
          case '>':
            pass = !(tLess(l, r) || tEqual(l, r));
            break;
          case '==':
            pass = tEqual(l, r);
            break;
          case '!=':
            pass = !tEqual(l, r);
            break;
          case '<=':
            pass = tLess(l, r) || tEqual(l, r);
            break;
          case '>=':
            pass = !tLess(l, r);
            break;
          default:
            throw new JSONPathExecError(`unrecognized filter operator ${node.op}`);
        }
        if (pass) results.push(el);
      }
    }
    return results;
  }
}

const isEnd = (l: ListNode): boolean => l.nodes.length > 0 && l.nodes[0]!.t === 'ident' && (l.nodes[0] as { name: string }).name === 'end';
const isRange = (l: ListNode): boolean => l.nodes.length > 0 && l.nodes[0]!.t === 'ident' && (l.nodes[0] as { name: string }).name === 'range';

/** Groups `{range ...}` ... `{end}` into blocks; a range without end runs to the end of the template. */
function toItems(nodes: Node[]): Item[] {
  let i = 0;
  let closed = false;
  const block = (inRange: boolean): Item[] => {
    const items: Item[] = [];
    while (i < nodes.length) {
      const n = nodes[i++]!;
      if (n.t === 'text') items.push({ t: 'text', text: n.text });
      else if (n.t === 'list' && isRange(n)) {
        const body = block(true);
        items.push({ t: 'range', list: n, body, closed });
      } else if (n.t === 'list' && isEnd(n) && inRange) {
        closed = true;
        return items;
      } else items.push({ t: 'action', list: n as ListNode });
    }
    closed = false;
    return items;
  };
  return block(false);
}

function evalArray(input: Value[], p: [Param, Param, Param]): Value[] {
  const result: Value[] = [];
  for (const v of input) {
    if (isNil(v)) continue;
    if (!Array.isArray(v)) throw new JSONPathExecError(`${goTypeName(v)} is not array or slice`);
    const len = v.length;
    let start = p[0].known ? p[0].value : 0;
    if (start < 0) start += len;
    let end = p[1].known ? p[1].value : len;
    if (end < 0 || (end === 0 && p[1].derived)) end += len;
    if (end === start) return result;
    if (start >= len || start < 0) throw new JSONPathExecError(`array index out of bounds: index ${start}, length ${len}`);
    if (end > len || end < 0) throw new JSONPathExecError(`array index out of bounds: index ${end - 1}, length ${len}`);
    if (start > end) throw new JSONPathExecError(`starting index ${start} is greater than ending index ${end}`);
    let step = 1;
    if (p[2].known) {
      if (p[2].value <= 0) throw new JSONPathExecError('step must be > 0');
      step = p[2].value;
    }
    for (let i = start; i < end; i += step) result.push(v[i]);
  }
  return result;
}

function evalRecursive(input: Value[]): Value[] {
  const result: Value[] = [];
  for (const v of input) {
    if (isNil(v)) continue;
    const kids = children(v);
    if (kids.length) {
      result.push(v);
      result.push(...evalRecursive(kids));
    }
  }
  return result;
}

const plain = (v: Value): unknown => (v instanceof Byte ? v.b : v);

/** How kubectl prints one result: maps/lists as compact JSON, nil as null, scalars as Go prints them. */
function textOf(v: Value): string {
  if (v instanceof Byte) return String(v.b);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return goJSON(v);
  return goSprint(v);
}

/**
 * Compiles a kubectl jsonpath template. Throws a parse error worded as kubectl's
 * (`error parsing jsonpath {.a, unclosed action`).
 */
export function compileJSONPath(template: string, opts: JSONPathOptions = {}): JSONPath {
  try {
    return new JSONPath(template, opts);
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new JSONPathParseError(`error parsing jsonpath ${template}, ${e.message}`);
    throw e;
  }
}

/**
 * kubectl's RelaxedJSONPathExpression (custom-columns, --sort-by): accepts `metadata.name`, `.metadata.name`,
 * `{metadata.name}` and `{.metadata.name}`; returns `{.metadata.name}`.
 */
export function relaxedJSONPathExpression(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) {
    throw new JSONPathParseError(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  }
  return `{.${m[1] || m[2]}}`;
}

/** The one-line error kubectl prints when executing a template fails: `error executing jsonpath "{.foo}": foo is not found`. */
export const jsonpathExecMessage = (template: string, err: Error): string =>
  `error executing jsonpath ${goQuote(template)}: ${err.message}`;

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goFloatV } from '../../../src/util/gofmt.js';
import {
  compileJSONPath,
  goSprint,
  jsonpathExecMessage,
  relaxedJSONPathExpression,
} from '../../../src/printers/jsonpath.js';

interface Outcome {
  out?: string;
  execError?: string;
  parseError?: string;
}
interface Recorded {
  object: unknown;
  cases: { template: string; allowMissing: Outcome; strict: Outcome }[];
}
// Recorded from kubectl v1.32.4 (`kubectl label -f object.yaml --local foo=bar -o jsonpath=...`), see recordedWith.
const rec = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/jsonpath/cases.json', import.meta.url), 'utf8'),
) as Recorded;

function run(template: string, allowMissingKeys: boolean): Outcome {
  let jp;
  try {
    jp = compileJSONPath(template, { allowMissingKeys });
  } catch (e) {
    return { parseError: (e as Error).message };
  }
  try {
    return { out: jp.execute(rec.object) };
  } catch (e) {
    return { execError: (e as Error).message };
  }
}

describe('jsonpath matches kubectl v1.32 (allow missing keys, the default)', () => {
  it.each(rec.cases.map((c) => [c.template, c.allowMissing] as const))('%s', (template, want) => {
    expect(run(template, true)).toEqual(want);
  });
});

describe('jsonpath matches kubectl v1.32 (--allow-missing-template-keys=false)', () => {
  it.each(rec.cases.map((c) => [c.template, c.strict] as const))('%s', (template, want) => {
    expect(run(template, false)).toEqual(want);
  });
});

describe('jsonpath extras', () => {
  const list = { kind: 'List', items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] };
  it('ranges over list items', () => {
    expect(compileJSONPath('{range .items[*]}{.metadata.name}{"\\n"}{end}').execute(list)).toBe('a\nb\n');
    expect(compileJSONPath('{.items[*].metadata.name}').execute(list)).toBe('a b');
  });
  it('a range without {end} also runs its body in the outer scope, as client-go does', () => {
    expect(compileJSONPath('{range .items[*]}{.metadata.name}{"|"}').execute(list)).toBe('a|b||');
  });
  it('jsonpath-as-json prints one indented JSON array per action', () => {
    expect(compileJSONPath('{.items[*].metadata.name}').executeAsJSON(list)).toBe('[\n    "a",\n    "b"\n]\n');
  });
  it('formats the one-line execution error', () => {
    const jp = compileJSONPath('{.foo}', { allowMissingKeys: false });
    let err: Error | undefined;
    try {
      jp.execute(list);
    } catch (e) {
      err = e as Error;
    }
    expect(jsonpathExecMessage('{.foo}', err!)).toBe('error executing jsonpath "{.foo}": foo is not found');
  });
  it.each<[string, string]>([
    ['metadata.name', '{.metadata.name}'],
    ['.metadata.name', '{.metadata.name}'],
    ['{metadata.name}', '{.metadata.name}'],
    ['{.metadata.name}', '{.metadata.name}'],
    ['', ''],
  ])('relaxes %j', (a, b) => expect(relaxedJSONPathExpression(a)).toBe(b));
  it('rejects a path with braces inside', () => {
    expect(() => relaxedJSONPathExpression('{a}{b}')).toThrow(/unexpected path string/);
  });
  it.each<[unknown, string]>([
    [1, '1'],
    [1.5, '1.5'],
    [123456.5, '123456.5'],
    [1234567.5, '1.2345675e+06'],
    [0.00001, '1e-05'],
    [0.0001, '0.0001'],
  ])('Go %%v of %s', (n, s) => expect(goFloatV(n as number)).toBe(s));
  it('Go %v of maps and lists', () => {
    expect(goSprint({ b: [1, 'x'], a: null })).toBe('map[a:<nil> b:[1 x]]');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvesToNonString, toYAML, yamlKeyLess } from '../../../src/util/go-yaml.js';

const dir = new URL('../../fixtures/golden/yaml/', import.meta.url);

describe('toYAML matches kubectl v1.32 -o yaml', () => {
  it('byte for byte on an object full of awkward strings and keys', () => {
    const obj = JSON.parse(readFileSync(new URL('object.json', dir), 'utf8'));
    expect(toYAML(obj)).toBe(readFileSync(new URL('object.kubectl.yaml', dir), 'utf8'));
  });
});

describe('toYAML shapes', () => {
  it.each<[unknown, string]>([
    [{ a: 1, b: true, c: null, d: 1.5 }, 'a: 1\nb: true\nc: null\nd: 1.5\n'],
    [{ list: ['x', { k: 'v', k2: 'v2' }, ['n1', 'n2'], []], m: {} }, 'list:\n- x\n- k: v\n  k2: v2\n- - n1\n  - n2\n- []\nm: {}\n'],
    [{ s: 'line1\nline2\n' }, 's: |\n  line1\n  line2\n'],
    [{ nested: { s: 'a\nb' } }, 'nested:\n  s: |-\n    a\n    b\n'],
    [{ items: [{ s: 'x\n' }] }, 'items:\n- s: |\n    x\n'],
    [{ 'key with: colon': 'v', yes: 'no' }, "'key with: colon': v\n\"yes\": \"no\"\n"],
  ])('%j', (v, want) => expect(toYAML(v)).toBe(want));

  it('folds long plain text at the first space past column 80, indented under its key', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    expect(toYAML({ spec: { message: words } })).toBe(
      'spec:\n  message: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11\n    word12 word13 word14 word15 word16 word17 word18 word19\n',
    );
  });
});

describe('resolvesToNonString (goyaml.v2 resolve)', () => {
  it.each<[string, boolean]>([
    ['plain', false],
    ['', true],
    ['yes', true],
    ['Off', true],
    ['y', true],
    ['null', true],
    ['~', true],
    ['12', true],
    ['-3', true],
    ['1.5', true],
    ['1e3', true],
    ['0x1F', true],
    ['0755', true],
    ['089', true],
    ['.5', true],
    ['.inf', true],
    ['.x', false],
    ['2024-01-15', true],
    ['2024-13-01', false],
    ['2024-01-15T10:00:00Z', true],
    ['-x', false],
    ['<<', false],
    ['true-ish', false],
  ])('%j → %s', (s, want) => expect(resolvesToNonString(s)).toBe(want));
});

describe('yamlKeyLess (goyaml.v2 key order)', () => {
  it.each<[string, string, boolean]>([
    ['a', 'b', true],
    ['file2', 'file10', true],
    ['file10', 'file2', false],
    ['_x', 'Ax', true],
    ['Ax', '_x', false],
    ['a.b', 'ab', true],
    ['x01', 'x1', false],
    ['x1', 'x01', true],
    ['abc', 'ab', false],
  ])('%j < %j is %s', (a, b, want) => expect(yamlKeyLess(a, b)).toBe(want));
});

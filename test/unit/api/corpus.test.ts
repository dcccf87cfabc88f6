// The validation corpus: every manifest in test/fixtures/corpus/valid must validate with zero errors; every file in
// test/fixtures/corpus/invalid names, in `# expect:` header lines, messages that must be reported (and in
// `# expect-not:` lines, text that must not appear).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateObject } from '../../../src/api/validate.js';

const corpus = join(import.meta.dirname, '../../fixtures/corpus');
const files = (dir: string) =>
  readdirSync(join(corpus, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
/** kubectl reads manifests as YAML 1.1 (sigs.k8s.io/yaml): `defaultMode: 0644` is octal. */
const docs = (dir: string, file: string): unknown[] =>
  parseAllDocuments(readFileSync(join(corpus, dir, file), 'utf8'), { version: '1.1' })
    .map((d) => d.toJS())
    .filter((d) => d != null);

describe('valid corpus', () => {
  const cases = files('valid').flatMap((f) => docs('valid', f).map((doc, i) => ({ name: `${f}#${i}`, doc })));

  it('has real-world and kubectl-generated manifests', () => {
    expect(files('valid').filter((f) => f.startsWith('kubectl-create-')).length).toBeGreaterThanOrEqual(10);
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  it.each(cases)('$name validates with zero errors', async ({ doc }) => {
    const errs = await validateObject(doc, { mode: 'strict' });
    expect(errs.filter((e) => e.severity !== 'warning').map((e) => `${e.path}: ${e.message}`)).toEqual([]);
  });
});

describe('invalid corpus', () => {
  const cases = files('invalid').map((file) => {
    const text = readFileSync(join(corpus, 'invalid', file), 'utf8');
    const header = (tag: string) =>
      [...text.matchAll(new RegExp(`^# ${tag}: (.*)$`, 'gm'))].map((m) => m[1].trimEnd());
    return { file, expects: header('expect'), expectNot: header('expect-not') };
  });

  it.each(cases)('$file reports its expected errors', async ({ file, expects, expectNot }) => {
    expect(expects.length).toBeGreaterThan(0);
    const lines: string[] = [];
    for (const doc of docs('invalid', file)) {
      for (const e of await validateObject(doc, { mode: 'strict' }))
        lines.push(`${e.severity === 'warning' ? 'warning ' : ''}${e.path}: ${e.message}`);
    }
    const errors = lines.filter((l) => !l.startsWith('warning '));
    for (const want of expects) expect(errors.some((l) => l.includes(want)), `"${want}" not in:\n${lines.join('\n')}`).toBe(true);
    for (const unwanted of expectNot) expect(lines.filter((l) => l.includes(unwanted))).toEqual([]);
  });
});

// Every case under test/fixtures/kustomize is built with kctl's kustomize and compared byte for byte with
// what the real `kubectl kustomize` (v1.32.4 / kustomize v5.5.0) printed (recorded by record.mjs).
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KustomizeError, kustomize, toKustomizeYaml } from '../../../src/kustomize/index.js';

const root = join(__dirname, '../../fixtures/kustomize');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Cases where kustomize fails too but words it in a way kctl does not copy (why in each entry). */
const OWN_WORDING: Record<string, RegExp> = {
  // upstream prints a Go pointer and a Go-syntax struct
  'err-merge-missing': /^merging from generator: id ConfigMap\.v1\.\[noGrp\]\/c\.\[noNs\] does not exist; cannot merge or replace$/,
  // the YAML parser's own message; kctl's carries file:line:col instead of "line 4"
  'err-bad-yaml': /^accumulating resources: syntax error: /,
};

const read = (dir: string, f: string): string | undefined => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined);

function build(dir: string): { out: string; err?: KustomizeError } {
  const target = existsSync(join(dir, 'TARGET')) ? join(dir, readFileSync(join(dir, 'TARGET'), 'utf8').trim()) : dir;
  try {
    return { out: toKustomizeYaml(kustomize(target).objects) };
  } catch (e) {
    if (!(e instanceof KustomizeError)) throw e;
    return { out: '', err: e };
  }
}

describe('kustomize goldens (recorded from kubectl kustomize)', () => {
  it('has a corpus', () => expect(cases.length).toBeGreaterThan(25));

  for (const name of cases) {
    it(name, () => {
      const dir = realpathSync(join(root, name));
      const { out, err } = build(dir);
      const message = err?.message.split(dir).join('$CASE').trim();
      if (name.startsWith('kctl-refuses-')) {
        // kctl refuses what it does not run (remote, helm, plugins, openapi, vars): its own one-line message
        expect(err, 'kctl must refuse').toBeDefined();
        expect(message).toBe(read(dir, 'kctl.err')!.trim());
        expect(message).not.toContain('\n');
        return;
      }
      const status = read(dir, 'expected.status');
      if (status === undefined) {
        expect(err?.message).toBeUndefined();
        expect(out).toBe(read(dir, 'expected.out'));
        return;
      }
      expect(err, 'kustomize refuses this, so must kctl').toBeDefined();
      expect(out).toBe('');
      if (OWN_WORDING[name]) expect(message).toMatch(OWN_WORDING[name]!);
      else expect(message).toBe(read(dir, 'expected.err')!.trim());
    });
  }
});

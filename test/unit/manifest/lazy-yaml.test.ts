// Start-up cost: the verbs that never read a manifest must not load the yaml parser. Checked on the built bundle
// (`npm test` builds first): the chunks `kctl get` loads statically must not contain the yaml package.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bundle = resolve(import.meta.dirname, '../../../dist/bundle');

/** Files a module loads before running: its static `import ... from "./x.js"` closure. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(bundle, file), 'utf8');
    for (const m of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"/gms)) visit(m[1]!);
  };
  visit(entry);
  return seen;
}

const hasYaml = (file: string): boolean => readFileSync(join(bundle, file), 'utf8').includes('node_modules/yaml/');

describe('bundle', () => {
  it('keeps the yaml parser out of what `kctl get` loads, and in what `kctl apply` loads', () => {
    const files = readdirSync(bundle);
    const get = files.find((f) => /^get-[A-Z0-9]+\.js$/.test(f))!;
    const loader = files.find((f) => /^loader-[A-Z0-9]+\.js$/.test(f))!;
    expect(get).toBeDefined();
    for (const f of [...staticClosure('main.js'), ...staticClosure(get)]) expect(hasYaml(f), f).toBe(false);
    expect([...staticClosure(loader)].some(hasYaml)).toBe(true);
  });
});

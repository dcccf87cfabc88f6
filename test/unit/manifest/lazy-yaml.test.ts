import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { formatSource, parseManifestText } from '../../../src/manifest/loader.js';

// Its own file: each test file gets a fresh module graph, and nothing here parses before the test runs.
describe('cost of importing', () => {
  it('does not load the yaml package until a manifest is parsed', async () => {
    // a fresh module graph: only this file's own imports have run, and none of them parsed anything yet
    const cache = createRequire(import.meta.url).cache;
    const yamlLoaded = (): boolean => Object.keys(cache).some((k) => /[\\/]node_modules[\\/]yaml[\\/]/.test(k));
    expect(yamlLoaded()).toBe(false);
    formatSource('a.yaml', { line: 1, col: 1 });
    expect(yamlLoaded()).toBe(false);
    parseManifestText('apiVersion: v1\nkind: ConfigMap\n', 'a.yaml');
    expect(yamlLoaded()).toBe(true);
  });
});

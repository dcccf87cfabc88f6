import { it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { toYAML } from '../../../src/printers/yaml.js';
it('x', () => {
  const o = JSON.parse(readFileSync('/tmp/kt/yaml/kubectl.json', 'utf8'));
  writeFileSync('/tmp/kt/yaml/mine.yaml', toYAML(o));
});

// Byte-for-byte comparison with kubectl v1.32: test/fixtures/golden/oracle/record.mjs ran the real kubectl against a
// fake API server serving objects.json and saved what it printed under kubectl/. Here kctl's printers render the
// same objects. (Times print in UTC, as recorded.)
process.env.TZ = 'UTC';
import { existsSync, readFileSync } from 'node:fs';
import { describe as group, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { matches } from '../../../src/api/labels.js';
import { printObjects, type PrintOptions } from '../../../src/printers/output.js';
import { describe } from '../../../src/printers/describe/index.js';
// @ts-expect-error plain ESM data module shared with the recorder
import { cases } from '../../fixtures/golden/oracle/cases.mjs';

interface GetCase {
  kinds: string[];
  opts: Partial<PrintOptions>;
  allNamespaces?: boolean;
  clusterScoped?: boolean;
  names?: string[];
  single?: boolean;
  selector?: string;
}
interface Case {
  name: string;
  args: string[];
  get?: GetCase;
  describe?: { kind: string; name: string };
}

const dir = new URL('../../fixtures/golden/', import.meta.url);
const recorded = JSON.parse(readFileSync(new URL('objects.json', dir), 'utf8')) as { T0: string; objects: KubeObject[] };
const now = new Date(recorded.T0);
const objects = recorded.objects;
const golden = (name: string, ext: string): string | undefined => {
  const u = new URL(`kubectl/${name}.${ext}`, dir);
  return existsSync(u) ? readFileSync(u, 'utf8') : undefined;
};

function select(c: GetCase): KubeObject[] {
  const out: KubeObject[] = [];
  for (const kind of c.kinds)
    for (const x of objects) {
      if (x.kind !== kind) continue;
      if (!c.clusterScoped && !c.allNamespaces && x.metadata.namespace !== 'default') continue;
      if (c.names && !c.names.includes(x.metadata.name)) continue;
      if (c.selector && !matches(c.selector, x.metadata.labels)) continue;
      out.push(x);
    }
  return out;
}

const all = cases as Case[];

group('kubectl get goldens', () => {
  it.each(all.filter((c) => c.get).map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const g = c.get!;
    const objs = select(g);
    const err = golden(c.name, 'err');
    const run = printObjects(g.single ? objs[0]! : objs, { ...g.opts, now });
    if (err && golden(c.name, 'status')) {
      await expect(run).rejects.toThrow(err.replace(/^error: /, '').replace(/\n$/, ''));
      return;
    }
    expect(await run).toBe(golden(c.name, 'out'));
  });
});

group('kubectl describe goldens', () => {
  const related = {
    events: objects.filter((x) => x.kind === 'Event'),
    pods: objects.filter((x) => x.kind === 'Pod'),
    replicaSets: objects.filter((x) => x.kind === 'ReplicaSet'),
    endpointSlices: objects.filter((x) => x.kind === 'EndpointSlice'),
    secrets: objects.filter((x) => x.kind === 'Secret'),
  };
  it.each(all.filter((c) => c.describe).map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const d = c.describe!;
    const obj = objects.find(
      (x) => x.kind === d.kind && x.metadata.name === d.name && (x.metadata.namespace ?? 'default') === 'default',
    ) ?? objects.find((x) => x.kind === d.kind && x.metadata.name === d.name)!;
    const lease = objects.find((x) => x.kind === 'Lease' && x.metadata.name === obj.metadata.name) ?? null;
    expect(describe(obj, { ...related, lease }, now)).toBe(golden(c.name, 'out'));
  });
});

// Parallel kctl processes against one $KCTL_HOME: 20 applies of different objects and 10 racing
// read-modify-writes of one object. Every object lands, resourceVersions are unique, no update is lost.
import { afterAll, describe, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-conc-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const cm = (name: string, data: Record<string, string> = { v: '1' }) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: ${JSON.stringify(data)}\n`;

describe('parallel kctl processes', () => {
  it('20 applies of different objects plus 10 racing annotates of one object', async () => {
    expect(k.run(['apply', '-f', '-'], { input: cm('shared') }).code).toBe(0);
    const applies = Array.from({ length: 20 }, (_, i) => k.runAsync(['apply', '-f', '-'], { input: cm(`obj-${i}`) }));
    const racers = Array.from({ length: 10 }, (_, i) => k.runAsync(['annotate', 'configmap', 'shared', `racer-${i}=done`]));
    const results = await Promise.all([...applies, ...racers]);
    for (const r of results.slice(0, 20)) expect(r).toMatchObject({ code: 0, stderr: '' });
    // a racer either succeeded or said it lost (a conflict is an error, never silent)
    const won = results.slice(20).filter((r) => r.code === 0);
    for (const r of results.slice(20).filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/Conflict|the object has been modified/);

    const list = JSON.parse(k.run(['get', 'configmaps', '-o', 'json']).stdout).items as { metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> } }[];
    const names = list.map((o) => o.metadata.name);
    for (let i = 0; i < 20; i++) expect(names).toContain(`obj-${i}`);
    const rvs = list.map((o) => o.metadata.resourceVersion);
    expect(new Set(rvs).size).toBe(rvs.length);
    const shared = list.find((o) => o.metadata.name === 'shared')!;
    const marks = Object.keys(shared.metadata.annotations ?? {}).filter((a) => a.startsWith('racer-'));
    // every racer that reported success is on the object: no update was lost
    expect(marks.length).toBe(won.length);
    expect(won.length).toBeGreaterThan(0);
  });

  it('10 racing applies of one object all land as whole versions', async () => {
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => k.runAsync(['apply', '-f', '-'], { input: cm('contended', { writer: String(i) }) })),
    );
    const ok = runs.filter((r) => r.code === 0);
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/Conflict|the object has been modified/);
    expect(ok.length).toBeGreaterThan(0);
    const obj = JSON.parse(k.run(['get', 'cm', 'contended', '-o', 'json']).stdout);
    // the final object is exactly one writer's manifest, never a mix
    expect(Object.keys(obj.data)).toEqual(['writer']);
    const last = JSON.parse(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(last.data).toEqual(obj.data);
  });
});

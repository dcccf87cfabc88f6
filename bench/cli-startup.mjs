// Issue 2 figures: `kctl get pods` with 200 pods stored, and `kctl apply -f` of a 3-document file, each as a
// median ratio against `node -e 0` measured in the same run. Targets: get <= 1.5x, apply <= 2x.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compare, fmt, timeRun } from './lib.mjs';

const repo = resolve(import.meta.dirname, '..');
const kctl = join(repo, 'bin/kctl.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const home = mkdtempSync(join(tmpdir(), 'kctl-bench-'));
const env = { ...process.env, KCTL_HOME: home, KCTL_NO_CONTROLLER: '1' };

// seed 200 pods straight through the store (faster than 200 CLI calls)
const { FileStore } = await import(join(repo, 'dist/store/file-store.js'));
const store = await FileStore.open(home);
for (let i = 0; i < 200; i++)
  await store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${i}`, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'kctl-test/busybox:1' }] },
  });
await store.close();

const manifest = join(home, 'three.yaml');
writeFileSync(
  manifest,
  [0, 1, 2]
    .map(
      (i) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, labels: {app: app-${i}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
      - name: app
        image: kctl-test/busybox:1
        ports: [{containerPort: 80}]
        readinessProbe: {httpGet: {path: /, port: 80}}
        resources: {limits: {cpu: 500m, memory: 64Mi}}
`,
    )
    .join('---\n'),
);
const opts = { env, cwd: home };
const node = () => timeRun(process.execPath, ['-e', '0']);
const get = () => timeRun(process.execPath, [kctl, 'get', 'pods'], opts);
// every apply after the first is `unchanged`: the steady state of a CI loop that re-applies manifests
const apply = () => timeRun(process.execPath, [kctl, 'apply', '-f', manifest], opts);
apply();
const m = compare(
  [
    { name: 'node -e 0', run: node },
    { name: 'kctl get pods (200 stored)', run: get },
    { name: 'kctl apply -f (3 documents)', run: apply },
  ],
  runs,
);
const base = m['node -e 0'];
console.log(`runs: ${runs} each, interleaved; medians`);
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(30)} ${fmt(v).padStart(10)}  ${(v / base).toFixed(2)}x`);
rmSync(home, { recursive: true, force: true });

// Issue 12 figure: `kctl kustomize` of an overlay with 3 bases, 2 components, 4 patches and 2 generators, as a
// median ratio against `kubectl kustomize` of the same directory in the same run (target: < 1). Both outputs
// must be byte-identical, or the bench stops.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compare, fmt, timeRun } from './lib.mjs';

const repo = resolve(import.meta.dirname, '..');
const kctl = join(repo, 'bin/kctl.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const root = mkdtempSync(join(tmpdir(), 'kctl-bench-kustomize-'));
const put = (path, text) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

for (const b of ['web', 'api', 'worker']) {
  put(`bases/${b}/deploy.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${b}, labels: {app: ${b}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${b}}}
  template:
    metadata: {labels: {app: ${b}}}
    spec:
      containers:
      - name: ${b}
        image: example/${b}:1.0
        envFrom: [{configMapRef: {name: settings}}]
        ports: [{containerPort: 8080}]
`);
  put(`bases/${b}/service.yaml`, `apiVersion: v1
kind: Service
metadata: {name: ${b}}
spec:
  selector: {app: ${b}}
  ports: [{port: 80, targetPort: 8080}]
`);
  put(`bases/${b}/kustomization.yaml`, `resources: [deploy.yaml, service.yaml]\ncommonLabels: {tier: ${b}}\n`);
}
put('components/monitoring/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
commonAnnotations: {prometheus.io/scrape: "true"}
`);
put('components/debug/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
- target: {kind: Deployment}
  patch: |-
    - op: add
      path: /spec/template/metadata/annotations
      value: {debug: "on"}
`);
put('overlay/kustomization.yaml', `namespace: staging
namePrefix: stg-
resources: [../bases/web, ../bases/api, ../bases/worker]
components: [../components/monitoring, ../components/debug]
images:
- {name: example/web, newTag: "2.0"}
configMapGenerator:
- name: settings
  literals: [MODE=staging, LOG=debug]
secretGenerator:
- name: creds
  literals: [token=abc]
patches:
- path: replicas.yaml
- target: {kind: Service, name: api}
  patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8080
- target: {kind: Deployment, labelSelector: "app=worker"}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: any}
    spec: {replicas: 3}
- patch: |-
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {type: NodePort}
`);
put('overlay/replicas.yaml', `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 2}
`);

const dir = join(root, 'overlay');
const out = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
const a = out(process.execPath, [kctl, 'kustomize', dir]);
const b = out('kubectl', ['kustomize', dir]);
if (a.status !== 0 || b.status !== 0 || a.stdout !== b.stdout) {
  console.error('kctl and kubectl disagree on the bench overlay:', a.stderr || b.stderr || '(outputs differ)');
  process.exit(1);
}
const m = compare(
  [
    { name: 'kubectl kustomize', run: () => timeRun('kubectl', ['kustomize', dir]) },
    { name: 'kctl kustomize', run: () => timeRun(process.execPath, [kctl, 'kustomize', dir]) },
  ],
  runs,
);
const base = m['kubectl kustomize'];
console.log(`runs: ${runs} each, interleaved; medians (outputs byte-identical, ${a.stdout.split('\n---\n').length} documents)`);
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(20)} ${fmt(v).padStart(10)}  ${(v / base).toFixed(2)}x`);
rmSync(root, { recursive: true, force: true });

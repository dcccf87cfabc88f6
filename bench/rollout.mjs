// Issue 4 figure: a rolling update of a 5-replica Deployment (httpGet readiness probe, periodSeconds 1, the default
// strategy: maxSurge 25% → 2, maxUnavailable 25% → 1) to a new template (an env var change), timed from the start
// of `kctl apply -f` to the exit of `kctl rollout status` ("successfully rolled out") — beside, in the same run and
// interleaved with it, a script doing the same work with Docker: 5 new containers started and 5 old ones removed,
// one after the other:
//   docker        `docker run -d -p 127.0.0.1::80 ...` then `docker rm -f <old>`, five times;
//   docker+http   the same, waiting for each new container to answer HTTP on 127.0.0.1 before removing an old
//                 one (what the readiness probe gives kctl).
// Every sample starts from 5 running, ready replicas (kctl: the previous rollout's pods, old ones gone).
//
// Usage: node scripts/build.mjs && node bench/rollout.mjs   (BENCH_RUNS=n samples per case, default 5;
// KCTL_BENCH_BIN=path/to/bin/kctl.js to measure another build). Traffic goes to 127.0.0.1 only. Everything made
// carries kctl.io/test-run=<id> and is removed at the end.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median } from './lib.mjs';
import { answers, benchCluster, now, run, sleep, until } from './harness.mjs';

const runs = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
const IMAGE = 'kctl-test/busybox:1';
const REPLICAS = 5;

const bench = await benchCluster('rollout');
const { kctlBin, runId, root, home, env, docker, FileStore, kctl, cleanup } = bench;
let store;

const deployment = (version) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bench' },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: 'bench' } },
    template: {
      metadata: { labels: { app: 'bench' } },
      spec: {
        // busybox httpd (pid 1) ignores SIGTERM: a short grace keeps old pods from piling up between samples
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'web',
            image: IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['httpd', '-f', '-p', '80', '-h', '/www'],
            ports: [{ containerPort: 80 }],
            env: [{ name: 'VERSION', value: String(version) }],
            readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
          },
        ],
      },
    },
  },
});

const isReady = (p) => p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
/** Exactly REPLICAS pods, all of the given version, ready, none terminating (the previous ones are gone). */
async function steady(version) {
  await until(
    `${REPLICAS} ready pods of version ${version} and nothing else`,
    async () => {
      const pods = (await store.list('pods', { namespace: 'default' })).items.filter((p) => p.metadata.labels?.app === 'bench');
      return (
        pods.length === REPLICAS &&
        pods.every((p) => !p.metadata.deletionTimestamp && isReady(p) && p.spec.containers[0].env?.[0]?.value === String(version))
      );
    },
    120_000,
    100,
  );
}

const dockerRun = async () =>
  (await run('docker', ['run', '-d', '--label', `kctl.io/test-run=${runId}`, '-p', '127.0.0.1::80', IMAGE, 'httpd', '-f', '-p', '80', '-h', '/www'])).trim();
const dockerPort = async (id) => {
  const i = await docker.getContainer(id).inspect();
  return Number(i.NetworkSettings.Ports?.['80/tcp']?.[0]?.HostPort) || undefined;
};

try {
  await until('the controller to register the node', async () => (await kctl(['get', 'nodes', '-o', 'name'])).trim() !== '', 30_000, 200);
  bench.store = store = await FileStore.open(home);
  console.log(`kctl ${kctlBin}; ${runs} samples per case; docker ${(await docker.version()).Version}`);

  let version = 0;
  const manifest = join(root, 'deploy.json');
  writeFileSync(manifest, JSON.stringify(deployment(version)));
  await kctl(['apply', '-f', manifest]);
  await kctl(['rollout', 'status', 'deploy/bench', '--timeout=120s']);
  await steady(version);

  const kctlRollout = async () => {
    version++;
    writeFileSync(manifest, JSON.stringify(deployment(version)));
    const t0 = now();
    await kctl(['apply', '-f', manifest]);
    const out = await kctl(['rollout', 'status', 'deploy/bench', '--timeout=120s']);
    const t = now() - t0;
    if (!out.includes('deployment "bench" successfully rolled out')) throw new Error(`unexpected rollout status output: ${out}`);
    await steady(version); // untimed: the old pods finish terminating
    return t;
  };

  let dockerOld = [];
  for (let i = 0; i < REPLICAS; i++) dockerOld.push(await dockerRun());
  for (const id of dockerOld) await until('a docker container to answer', async () => answers(await dockerPort(id)), 30_000);
  const dockerRolling = async (waitHttp) => {
    const t0 = now();
    const fresh = [];
    for (const old of dockerOld) {
      const id = await dockerRun();
      fresh.push(id);
      if (waitHttp) await until('the new container to answer', async () => answers(await dockerPort(id)), 30_000, 5);
      await run('docker', ['rm', '-f', old]);
    }
    const t = now() - t0;
    dockerOld = fresh;
    if (!waitHttp) for (const id of dockerOld) await until('a docker container to answer', async () => answers(await dockerPort(id)), 30_000); // untimed
    return t;
  };

  const samples = { kctl: [], docker: [], dockerHttp: [] };
  for (let i = 0; i < runs; i++) {
    samples.kctl.push(await kctlRollout());
    samples.docker.push(await dockerRolling(false));
    samples.dockerHttp.push(await dockerRolling(true));
  }
  const k = median(samples.kctl);
  const d = median(samples.docker);
  const dh = median(samples.dockerHttp);
  const list = (xs) => `[${xs.map((x) => x.toFixed(0)).join(' ')}]`;
  console.log(`rolling update of ${REPLICAS} replicas (readiness probe, maxSurge 2, maxUnavailable 1), median of ${runs}:`);
  console.log(`  kctl apply → rollout status done   ${fmt(k)}   ${list(samples.kctl)}`);
  console.log(`  docker run + docker rm, x${REPLICAS}        ${fmt(d)}   ${list(samples.docker)}`);
  console.log(`  docker run, HTTP ok, docker rm, x${REPLICAS} ${fmt(dh)}   ${list(samples.dockerHttp)}`);
  console.log(`  ratio  ${(k / d).toFixed(2)}x docker run/rm;  ${(k / dh).toFixed(2)}x docker run/HTTP/rm`);
} finally {
  await cleanup();
}

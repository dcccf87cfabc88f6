// E2E gate and clean-up for tests on the real Docker engine.
// In CI (CI=true) a missing engine or test image FAILS the suite; elsewhere the suite may skip, saying why.
import Docker from 'dockerode';
import { DockerRuntime, type DockerRuntimeOptions } from '../../src/runtime/docker/docker-runtime.js';
import { TEST_RUN } from '../../src/runtime/names.js';

/** Built by scripts/make-test-image.sh (busybox-static rootfs, `docker import`; no registry). */
export const TEST_IMAGE = 'kctl-test/busybox:1';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** A fresh kctl.io/test-run value: every container and network a suite makes carries it. */
export function newTestRunId(prefix = 'e2e'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

/** A DockerRuntime on the engine the tests' environment names ($DOCKER_HOST, else the local socket), as kctl's
 *  composition root would make it from the same environment. */
export function testDockerRuntime(opts: DockerRuntimeOptions = {}): DockerRuntime {
  return new DockerRuntime({ host: process.env.DOCKER_HOST || undefined, ...opts });
}

/**
 * Resolves true when the engine answers and the test image is present. Otherwise: in CI throws (the
 * suite fails, never skips); outside CI logs the reason and resolves false (use with describe.runIf).
 */
export async function requireDocker(): Promise<boolean> {
  let reason: string | undefined;
  try {
    const rt = testDockerRuntime();
    await rt.version();
    if (!(await rt.imageExists(TEST_IMAGE))) reason = `test image ${TEST_IMAGE} is missing (run scripts/make-test-image.sh)`;
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  if (!reason) return true;
  if (IN_CI) throw new Error(`CI: the Docker engine is required for e2e tests: ${reason} (run .ci/setup-docker.sh)`);
  console.warn(`[e2e] skipped: ${reason} (run .ci/setup-docker.sh)`);
  return false;
}

/** Removes every container (sandboxes included), network and volume labelled kctl.io/test-run=<runId>. */
export async function removeTestRun(runId: string): Promise<{ containers: number; networks: number }> {
  const docker = new Docker();
  const filters = { label: [`${TEST_RUN}=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters });
  // app containers first, then the sandboxes whose namespaces they joined
  containers.sort((a, b) => Number(a.Labels['kctl.io/container-type'] === 'sandbox') - Number(b.Labels['kctl.io/container-type'] === 'sandbox'));
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  // named volumes (PersistentVolumes kctl provisioned) go after the containers that used them
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) await docker.getVolume(v.Name).remove().catch(() => undefined);
  return { containers: containers.length, networks: networks.length };
}

export async function removeImage(ref: string): Promise<void> {
  await new Docker().getImage(ref).remove({ force: true }).catch(() => undefined);
}

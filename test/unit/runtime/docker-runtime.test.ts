// DockerRuntime without an engine: how it names failures. (Behaviour on a real engine: test/e2e/runtime.e2e.test.ts.)
import { describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src/runtime/docker/docker-runtime.js';
import { createDockerRuntime } from '../../../src/cluster/cluster.js';
import { configFrom } from '../../../src/cluster/config.js';
import { RuntimeError, isEngineUnreachable, isRuntimeConflict, isRuntimeNotFound } from '../../../src/runtime/runtime.js';

const NO_SOCKET = 'unix:///nonexistent/kctl-test/docker.sock';

describe('DockerRuntime errors', () => {
  it('says in one line that the engine cannot be reached, naming where it looked', async () => {
    const rt = new DockerRuntime({ host: NO_SOCKET });
    const err = await rt.info().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect((err as RuntimeError).message).toBe(
      'cannot reach the Docker engine at unix:///nonexistent/kctl-test/docker.sock: connect ENOENT /nonexistent/kctl-test/docker.sock',
    );
    expect(isEngineUnreachable(err)).toBe(true);
    expect((err as RuntimeError).code).toBe('Runtime');
  });

  // the settings reach the runtime from the composition root (cluster/config.ts), never from process.env
  it('honours DOCKER_HOST', async () => {
    const rt = await createDockerRuntime(configFrom('/nonexistent/kctl-home', { DOCKER_HOST: NO_SOCKET }, {}, { hostName: 'node' }), undefined);
    expect(rt.host).toBe(NO_SOCKET);
    await expect(rt.listContainers()).rejects.toThrow(`cannot reach the Docker engine at ${NO_SOCKET}: connect ENOENT /nonexistent/kctl-test/docker.sock`);
  });

  it('defaults to the local socket', async () => {
    expect((await createDockerRuntime(configFrom('/nonexistent/kctl-home', {}, {}, { hostName: 'node' }), undefined)).host).toBe('unix:///var/run/docker.sock');
    expect(new DockerRuntime().host).toBe('unix:///var/run/docker.sock');
  });

  it('keeps an unreachable engine as such when pulling, rather than calling it a pull failure', async () => {
    const err = await new DockerRuntime({ host: NO_SOCKET }).pullImage('busybox:1').catch((e: unknown) => e);
    expect(isEngineUnreachable(err)).toBe(true);
  });

  it.each([
    [404, 'No such container: abc', 'RuntimeNotFound'],
    [409, 'Conflict. The container name "/x" is already in use', 'RuntimeConflict'],
    [500, 'driver failed programming external connectivity', 'Runtime'],
  ])('maps engine status %s to %s with the engine message', (statusCode, message, code) => {
    const dockerodeError = Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {
      statusCode,
      json: { message },
    });
    const e = new DockerRuntime({ host: NO_SOCKET }).toRuntimeError(dockerodeError);
    expect(e).toMatchObject({ code, message });
    expect(e.statusCode).toBe(statusCode);
    expect(e.cause).toBe(dockerodeError);
    expect(isRuntimeNotFound(e)).toBe(code === 'RuntimeNotFound');
    expect(isRuntimeConflict(e)).toBe(code === 'RuntimeConflict');
  });

  it('falls back to the error text when the engine sent no JSON', () => {
    const e = new DockerRuntime({ host: NO_SOCKET }).toRuntimeError(
      Object.assign(new Error('(HTTP code 404) no such container - No such container: zz '), { statusCode: 404, json: null }),
    );
    expect(e.message).toBe('No such container: zz');
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handleLog, parsePodLogOptions, type StreamPod } from '../../../../src/apiserver/streams/log.js';
import { IMAGE, runPod, setStatus, setup, type Env } from '../../cli-pod/harness.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(env: Env, name = 'web'): Promise<string> {
  const server = http.createServer((req, res) => {
    void handleLog(req, res, 'default', name, {
      getPod: (ns, n) => env.store.tryGet<StreamPod>({ resource: 'pods', namespace: ns, name: n }),
      runtime: env.runtime,
      now: () => env.clock.now(),
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/namespaces/default/pods/${name}/log`;
}

describe('pods/log', () => {
  it('serves the log as text/plain, with tailLines, timestamps and limitBytes', async () => {
    const env = setup();
    const { ids } = await runPod(env);
    for (const l of ['one', 'two', 'three']) env.runtime.writeLog(ids.web!, l);
    const url = await serve(env);
    const all = await fetch(url);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('text/plain');
    expect(await all.text()).toBe('one\ntwo\nthree\n');
    expect(await (await fetch(`${url}?tailLines=2`)).text()).toBe('two\nthree\n');
    expect(await (await fetch(`${url}?tailLines=1&timestamps=true`)).text()).toMatch(/^2026-01-01T00:00:00\.\d{9}Z three\n$/);
    expect(await (await fetch(`${url}?limitBytes=6`)).text()).toBe('one\ntw');
    expect(await (await fetch(`${url}?container=web`)).text()).toBe('one\ntwo\nthree\n');
  });

  it('follows until the container stops', async () => {
    const env = setup();
    const { ids } = await runPod(env);
    env.runtime.writeLog(ids.web!, 'first');
    const res = await fetch(`${await serve(env)}?follow=true`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = dec.decode((await reader.read()).value);
    expect(text).toBe('first\n');
    env.runtime.writeLog(ids.web!, 'second');
    text = dec.decode((await reader.read()).value);
    expect(text).toBe('second\n');
    env.runtime.exitContainer(ids.web!, 0);
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
    }
  });

  it.each([
    ['?tailLines=-1', 422, 'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0', 'Invalid'],
    ['?limitBytes=0', 422, 'PodLogOptions "web" is invalid: limitBytes: Invalid value: 0: must be greater than 0', 'Invalid'],
    ['?container=nope', 400, 'container nope is not valid for pod web', 'BadRequest'],
  ])('%s → %d', async (query, code, message, reason) => {
    const env = setup();
    await runPod(env);
    const res = await fetch(`${await serve(env)}${query}`);
    expect(res.status).toBe(code);
    expect(await res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  });

  it('names the containers to choose from when there are several', async () => {
    const env = setup();
    await runPod(env, { containers: [{ name: 'a', image: IMAGE }, { name: 'b', image: IMAGE }] });
    const res = await fetch(await serve(env));
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('a container name must be specified for pod web, choose one of: [a b]');
  });

  it('404 for a missing pod; the kubelet\'s 400 for a container not started', async () => {
    const env = setup();
    const missing = await fetch(await serve(env, 'nope'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
    await runPod(env);
    await setStatus(env, 'web', {
      phase: 'Pending',
      containerStatuses: [{ name: 'web', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    const waiting = await fetch(await serve(env));
    expect(waiting.status).toBe(400);
    expect((await waiting.json()).message).toBe('container "web" in pod "web" is waiting to start: ContainerCreating');
  });

  it('an unscheduled pod has an empty log', async () => {
    const env = setup();
    await runPod(env, { nodeName: null });
    const res = await fetch(await serve(env));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it.each([
    ['follow=true&previous=1&timestamps=false', { follow: true, previous: true, timestamps: false }],
    ['sinceSeconds=10&tailLines=0', { follow: false, previous: false, timestamps: false, sinceSeconds: 10, tailLines: 0 }],
    ['sinceTime=2026-01-01T00:00:00Z', { follow: false, previous: false, timestamps: false, sinceTime: new Date('2026-01-01T00:00:00Z') }],
  ])('options %s', (q, want) => {
    expect(parsePodLogOptions(new URLSearchParams(q), 'web')).toEqual(want);
  });

  it('sinceSeconds and sinceTime together are refused', () => {
    expect(() => parsePodLogOptions(new URLSearchParams('sinceSeconds=1&sinceTime=2026-01-01T00:00:00Z'), 'web')).toThrow(
      'at most one of `sinceTime` or `sinceSeconds` may be specified',
    );
  });
});

import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { podDialer, publishedHostPort } from '../../../../src/apiserver/streams/pod-dial.js';
import { runPod, setup } from '../../cli-pod/harness.js';

describe('pod-dial', () => {
  it('reads the kctl.io/ports annotation and connects to 127.0.0.1 only', async () => {
    const server = net.createServer((c) => c.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hostPort = (server.address() as AddressInfo).port;
    const env = setup();
    const { pod } = await runPod(env, { containers: [{ name: 'web', image: 'kctl-test/busybox:1', ports: [{ containerPort: 80 }] }] }, { ports: [{ containerPort: 80, hostPort }] });
    expect(await publishedHostPort(pod, 80)).toBe(hostPort);
    await expect(publishedHostPort(pod, 81)).rejects.toThrow('port 81 is not published by the pod (published: 80/TCP)');
    const conn = await podDialer(env.runtime)(pod, 80);
    expect((conn as net.Socket).remoteAddress).toBe('127.0.0.1');
    let got = '';
    for await (const c of conn) got += String(c);
    expect(got).toBe('hello');
    server.close();
  });

  it('falls back to the ready sandbox\'s ports', async () => {
    const env = setup();
    const { pod } = await runPod(env, { containers: [{ name: 'web', image: 'kctl-test/busybox:1', ports: [{ containerPort: 8080 }] }] });
    const bare = { ...pod, metadata: { ...pod.metadata, annotations: {} } };
    const fromSandbox = await publishedHostPort(bare, 8080, env.runtime);
    expect(fromSandbox).toBe(await publishedHostPort(pod, 8080));
    await expect(publishedHostPort(bare, 8080)).rejects.toThrow('(published: none)');
  });
});

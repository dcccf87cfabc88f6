// kctl exec in process: exit codes, stdin, container choice, the pod states kubectl refuses.
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { IMAGE, createPod, kctl, runPod, setStatus, setup, type Env } from './harness.js';
import { toExecOptions } from '../../../src/cli/commands/exec.js';

let env: Env;
beforeEach(() => {
  env = setup();
});

describe('kctl exec', () => {
  it('runs the command and prints its output', async () => {
    await runPod(env);
    expect(await kctl(env, ['exec', 'web', '--', 'echo', 'hi', 'there'])).toEqual({ code: 0, stdout: 'hi there\n', stderr: '' });
  });

  it('passes the exit code through with kubectl\'s line on stderr', async () => {
    await runPod(env);
    expect(await kctl(env, ['exec', 'web', '--', 'sh', '-c', 'exit 3'])).toEqual({ code: 3, stdout: '', stderr: 'command terminated with exit code 3\n' });
    expect(await kctl(env, ['exec', 'web', '--', 'sh', '-c', 'echo oops >&2; exit 1'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'oops\ncommand terminated with exit code 1\n',
    });
    expect(await kctl(env, ['exec', 'web', '--', 'false'])).toEqual({ code: 1, stdout: '', stderr: 'command terminated with exit code 1\n' });
  });

  it('options after -- belong to the command; -c before it picks the container', async () => {
    const { ids } = await runPod(env, {
      containers: [
        { name: 'web', image: IMAGE, command: ['httpd'] },
        { name: 'side', image: IMAGE, command: ['httpd'] },
      ],
    });
    env.runtime.resetCalls();
    expect(await kctl(env, ['exec', 'web', '-c', 'side', '--', 'sh', '-c', 'echo in-side'])).toEqual({ code: 0, stdout: 'in-side\n', stderr: '' });
    expect(env.runtime.callsTo('execStream')[0]!.slice(0, 2)).toEqual([ids.side, ['sh', '-c', 'echo in-side']]);
    env.runtime.resetCalls();
    expect(await kctl(env, ['exec', 'web', '--', 'sh', '-c', 'echo x'])).toEqual({
      code: 0,
      stdout: 'x\n',
      stderr: 'Defaulted container "web" out of: web, side\n',
    });
    expect(env.runtime.callsTo('execStream')[0]![0]).toBe(ids.web);
    expect(await kctl(env, ['exec', '-q', 'web', '--', 'echo', 'quiet'])).toEqual({ code: 0, stdout: 'quiet\n', stderr: '' });
    expect(await kctl(env, ['-n', 'default', 'exec', 'web', '-c', 'nope', '--', 'true'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: container nope is not valid for pod web\n',
    });
  });

  it('-i streams stdin to the command', async () => {
    await runPod(env);
    expect(await kctl(env, ['exec', '-i', 'web', '--', 'cat'], { stdin: 'line one\nline two\n' })).toEqual({
      code: 0,
      stdout: 'line one\nline two\n',
      stderr: '',
    });
    // without -i the command gets no stdin
    expect((await kctl(env, ['exec', 'web', '--', 'cat'], { stdin: 'ignored' })).stdout).toBe('');
  });

  it('-t needs a terminal on stdin: kubectl\'s notice, then runs without a TTY', async () => {
    await runPod(env);
    const stdin = new PassThrough();
    stdin.end('typed\n');
    expect(await kctl(env, ['exec', '-it', 'web', '--', 'cat'], { stdin })).toEqual({
      code: 0,
      stdout: 'typed\n',
      stderr: 'Unable to use a TTY - input is not a terminal or the right kind of file\n',
    });
    expect(env.runtime.callsTo('execStream').at(-1)![2]).toEqual({ tty: false });
  });

  it('-t with a terminal runs the command in a TTY (raw mode on, then restored)', async () => {
    await runPod(env);
    const modes: boolean[] = [];
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (m: boolean) => modes.push(m) });
    stdin.end('x');
    expect((await kctl(env, ['exec', '-i', '-t', 'web', '--', 'cat'], { stdin })).code).toBe(0);
    expect(env.runtime.callsTo('execStream').at(-1)![2]).toEqual({ tty: true });
    expect(modes).toEqual([true, false]);
  });

  it('accepts the deprecated form without -- with kubectl\'s notice', async () => {
    await runPod(env);
    expect(await kctl(env, ['exec', 'web', 'echo', 'old'])).toEqual({
      code: 0,
      stdout: 'old\n',
      stderr: 'kctl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kctl exec [POD] -- [COMMAND] instead.\n',
    });
  });

  it('deploy/NAME runs in the most active pod', async () => {
    await env.store.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: IMAGE }] } } },
    });
    await createPod(env, { name: 'web-a', labels: { app: 'web' } });
    await setStatus(env, 'web-a', { phase: 'Pending' });
    const { ids } = await runPod(env, { name: 'web-b', labels: { app: 'web' } });
    env.runtime.resetCalls();
    expect(await kctl(env, ['exec', 'deploy/web', '--', 'hostname'])).toEqual({ code: 0, stdout: 'web-b\n', stderr: '' });
    expect(env.runtime.callsTo('execStream')[0]![0]).toBe(ids.web);
  });

  it('refuses pods that cannot run a command, as kubectl', async () => {
    await createPod(env);
    await setStatus(env, 'web', { phase: 'Succeeded' });
    expect(await kctl(env, ['exec', 'web', '--', 'true'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot exec into a container in a completed pod; current phase is Succeeded\n',
    });
    await setStatus(env, 'web', {
      phase: 'Pending',
      containerStatuses: [{ name: 'web', image: IMAGE, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    expect(await kctl(env, ['exec', 'web', '--', 'true'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to upgrade connection: container not found ("web")\n',
    });
    expect(await kctl(env, ['exec', 'nope', '--', 'true'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
  });

  it('says so when the engine no longer runs the container', async () => {
    const { ids } = await runPod(env);
    env.runtime.exitContainer(ids.web!, 0);
    expect(await kctl(env, ['exec', 'web', '--', 'true'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unable to upgrade connection: container not found ("web")\n',
    });
  });

  it('usage errors', async () => {
    expect((await kctl(env, ['exec', 'web'])).stderr).toBe("error: you must specify at least one command for the container\nSee 'kctl --help' for usage.\n");
    expect((await kctl(env, ['exec', '--', 'ls'])).stderr).toBe("error: pod or type/name must be specified\nSee 'kctl --help' for usage.\n");
  });
});

describe('toExecOptions', () => {
  it('splits at -- as cobra\'s ArgsLenAtDash', () => {
    expect(toExecOptions(['web', 'ls', '-l'], 1, {})).toMatchObject({ target: 'web', command: ['ls', '-l'], deprecatedForm: false });
    expect(toExecOptions(['web', 'ls'], -1, {})).toMatchObject({ target: 'web', command: ['ls'], deprecatedForm: true });
    expect(() => toExecOptions(['ls'], 0, {})).toThrow('pod or type/name must be specified');
    expect(toExecOptions(['web', 'sh'], 1, { stdin: true, tty: true, container: 'c' })).toMatchObject({ stdin: true, tty: true, container: 'c' });
  });
});

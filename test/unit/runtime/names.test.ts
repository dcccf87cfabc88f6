import { describe, expect, it } from 'vitest';
import {
  containerLabels,
  containerName,
  parseContainerName,
  podRefFromLabels,
  sandboxLabels,
  sandboxName,
  uid8,
} from '../../../src/runtime/names.js';

const pod = { uid: '3f2a9c1e-77aa-4bcd-9e01-0123456789ab', name: 'web-7d9f8-abcde', namespace: 'default' };

describe('names', () => {
  it.each([
    ['3f2a9c1e-77aa-4bcd-9e01-0123456789ab', '3f2a9c1e'],
    ['ab-cd-ef-01-23', 'abcdef01'],
    ['short', 'short'],
  ])('uid8(%s) = %s', (uid, want) => {
    expect(uid8(uid)).toBe(want);
  });

  it.each([
    [() => containerName(pod, 'nginx', 0), 'kctl_nginx_web-7d9f8-abcde_default_3f2a9c1e_0'],
    [() => containerName(pod, 'nginx', 12), 'kctl_nginx_web-7d9f8-abcde_default_3f2a9c1e_12'],
    [() => sandboxName(pod, 3), 'kctl_POD_web-7d9f8-abcde_default_3f2a9c1e_3'],
    [() => containerName({ ...pod, name: 'a.b.c' }, 'x', 0), 'kctl_x_a.b.c_default_3f2a9c1e_0'],
  ])('builds %#: %s', (f, want) => {
    expect(f()).toBe(want);
  });

  it.each([
    ['kctl_nginx_web_default_3f2a9c1e_0', { containerName: 'nginx', podName: 'web', namespace: 'default', uid8: '3f2a9c1e', attempt: 0, type: 'container' }],
    ['/kctl_POD_web_kube-system_3f2a9c1e_4', { containerName: 'POD', podName: 'web', namespace: 'kube-system', uid8: '3f2a9c1e', attempt: 4, type: 'sandbox' }],
    ['kctl_nginx_web_default_3f2a9c1e', undefined],
    ['k8s_nginx_web_default_3f2a9c1e_0', undefined],
    ['kctl_nginx_web_default_3f2a9c1e_x', undefined],
    ['kctl__web_default_3f2a9c1e_0', undefined],
    ['my-own-container', undefined],
  ])('parses %s', (name, want) => {
    expect(parseContainerName(name)).toEqual(want);
  });

  it('round-trips a built name', () => {
    expect(parseContainerName(containerName(pod, 'app', 7))).toEqual({
      containerName: 'app',
      podName: pod.name,
      namespace: 'default',
      uid8: '3f2a9c1e',
      attempt: 7,
      type: 'container',
    });
  });

  it.each([
    ['a container name with _', () => containerName(pod, 'bad_name', 0)],
    ['an empty pod name', () => containerName({ ...pod, name: '' }, 'c', 0)],
    ['a negative attempt', () => containerName(pod, 'c', -1)],
    ['a fractional attempt', () => sandboxName(pod, 1.5)],
  ])('refuses %s', (_what, f) => {
    expect(f).toThrow(/invalid/);
  });

  it('labels a sandbox and a container, with the test run only when given', () => {
    expect(sandboxLabels(pod, 2)).toEqual({
      'kctl.io/managed-by': 'kctl',
      'kctl.io/pod-uid': pod.uid,
      'kctl.io/pod-name': pod.name,
      'kctl.io/pod-namespace': 'default',
      'kctl.io/container-name': 'POD',
      'kctl.io/container-type': 'sandbox',
      'kctl.io/attempt': '2',
    });
    expect(containerLabels(pod, 'app', 1, 'sb123', 'run-9')).toEqual({
      'kctl.io/managed-by': 'kctl',
      'kctl.io/pod-uid': pod.uid,
      'kctl.io/pod-name': pod.name,
      'kctl.io/pod-namespace': 'default',
      'kctl.io/container-name': 'app',
      'kctl.io/container-type': 'container',
      'kctl.io/attempt': '1',
      'kctl.io/sandbox-id': 'sb123',
      'kctl.io/test-run': 'run-9',
    });
  });

  it('reads the pod back from labels, and only kctl labels', () => {
    expect(podRefFromLabels(containerLabels(pod, 'app', 0, 'sb'))).toEqual(pod);
    expect(podRefFromLabels({ ...containerLabels(pod, 'app', 0, 'sb'), 'kctl.io/managed-by': 'someone-else' })).toBeUndefined();
    expect(podRefFromLabels({ 'kctl.io/managed-by': 'kctl' })).toBeUndefined();
  });
});

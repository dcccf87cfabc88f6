import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { podFromTemplate } from '../../../src/controllers/pod-template.js';
import { newControllerRef } from '../../../src/reconcile/controller-ref.js';

const owner = { metadata: { name: 'web', namespace: 'prod', uid: 'u1' } } as KubeObject;
const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');

describe('podFromTemplate (upstream GetPodFromTemplate)', () => {
  it('copies labels, annotations, finalizers and spec; generateName <owner>-; the controllerRef', () => {
    const template = {
      metadata: { labels: { app: 'web' }, annotations: { a: '1' }, finalizers: ['f'], name: 'ignored' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    const pod = podFromTemplate(template, owner, ref);
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: 'web-',
        namespace: 'prod',
        labels: { app: 'web' },
        annotations: { a: '1' },
        finalizers: ['f'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    // copies, never the template's own objects
    pod.metadata.labels!.app = 'x';
    pod.spec!.containers[0]!.image = 'y';
    expect(template.metadata.labels.app).toBe('web');
    expect(template.spec.containers[0]!.image).toBe('busybox');
  });

  it('an empty template: no labels/annotations/finalizers keys, an empty container list, namespace default', () => {
    const pod = podFromTemplate(undefined, { metadata: { name: 'x' } } as KubeObject, ref);
    expect(pod.metadata).toEqual({ name: '', generateName: 'x-', namespace: 'default', ownerReferences: [ref] });
    expect(pod.spec).toEqual({ containers: [] });
  });
});

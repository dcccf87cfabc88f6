import { describe, expect, it } from 'vitest';
import { applyDefaults, defaultPullPolicy } from '../../../src/api/defaults.js';
import type { KubeObject } from '../../../src/api/types.js';

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] },
    },
  },
});

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
  ])('%s → %s', (image, want) => expect(defaultPullPolicy(image)).toBe(want));
});

describe('applyDefaults', () => {
  it('fills a Deployment as the API server does', () => {
    const d = applyDefaults(deployment()) as any;
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    const pod = d.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(pod.containers[0]).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      readinessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    });
  });

  it('keeps what the user set, including replicas: 0 and Recreate without rollingUpdate', () => {
    const d = deployment() as any;
    d.spec.replicas = 0;
    d.spec.strategy = { type: 'Recreate' };
    applyDefaults(d);
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('is idempotent', () => {
    const once = applyDefaults(deployment());
    expect(applyDefaults(structuredClone(once))).toEqual(once);
  });

  it('defaults Service ports (targetPort = port) and type', () => {
    const s = applyDefaults({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }) as any;
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
  });

  it('merges Secret stringData into data as base64, as the API server stores it', () => {
    const s = applyDefaults({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'hi' } }) as any;
    expect(s).toMatchObject({ type: 'Opaque', data: { a: 'eA==', b: 'aGk=' } });
    expect(s.stringData).toBeUndefined();
  });

  it('leaves unknown kinds and ConfigMaps alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    expect(applyDefaults(structuredClone(cm))).toEqual(cm);
  });
});

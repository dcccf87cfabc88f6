import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/api/types.js';
import {
  ApplyBadRequestError,
  ApplyConflictError,
  serverSideApply,
  updateManagedFields,
} from '../../../../src/apply/server-side/field-manager.js';
import type { ManagedFieldsEntry } from '../../../../src/apply/server-side/managed-fields.js';

const T0 = '2026-12-07T10:00:00Z';
const T1 = '2026-12-07T10:05:00Z';
const T2 = '2026-12-07T10:10:00Z';

const mf = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
const entry = (o: KubeObject, manager: string): ManagedFieldsEntry | undefined => mf(o).find((e) => e.manager === manager);

/** The Deployment of `kubectl create deployment nginx --image=nginx` as the 1.32 API server stores it (defaulted). */
function createdDeployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'nginx' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              image: 'nginx',
              imagePullPolicy: 'Always',
              name: 'nginx',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
}

/** What kubectl create records (upstream's managedFields of that object, kubectl-create / Update). */
const KUBECTL_CREATE_FIELDS = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:revisionHistoryLimit': {},
    'f:selector': {},
    'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"nginx"}': {
            '.': {},
            'f:image': {},
            'f:imagePullPolicy': {},
            'f:name': {},
            'f:resources': {},
            'f:terminationMessagePath': {},
            'f:terminationMessagePolicy': {},
          },
        },
        'f:dnsPolicy': {},
        'f:restartPolicy': {},
        'f:schedulerName': {},
        'f:securityContext': {},
        'f:terminationGracePeriodSeconds': {},
      },
    },
  },
};

/** A server-side apply configuration (what `kubectl apply --server-side -f` sends). */
function config(replicas?: number, image = 'nginx:1.25', extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  };
}

const spec = (o: KubeObject): Record<string, unknown> => o.spec as Record<string, unknown>;

describe('updateManagedFields (create, update, patch: Update entries)', () => {
  it('kubectl create records what the 1.32 API server records', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    expect(mf(created)).toEqual([
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: KUBECTL_CREATE_FIELDS },
    ]);
    // key order of each entry is the API server's
    expect(Object.keys(mf(created)[0]!)).toEqual(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
  });

  it('a later update owns only what it changed, taking it from the previous owner; the time moves', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    const scaled = structuredClone(created);
    spec(scaled).replicas = 3;
    const out = updateManagedFields({ old: created, new: scaled, manager: 'kubectl-edit', time: T1 });
    expect(entry(out, 'kubectl-edit')).toEqual({
      manager: 'kubectl-edit',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T1,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    expect((entry(out, 'kubectl-create')!.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec']['f:replicas']).toBeUndefined();
    expect(entry(out, 'kubectl-create')!.time).toBe(T0);
    // a write that changes nothing changes no entry
    const again = updateManagedFields({ old: out, new: structuredClone(out), manager: 'kubectl-edit', time: T2 });
    expect(mf(again)).toEqual(mf(out));
  });

  it('owns the defaulted fields of a create, and a write without them removes nothing (writes are defaulted)', () => {
    const bare: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx' } },
      spec: { selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    };
    const created = updateManagedFields({ old: undefined, new: bare, manager: 'kubectl-create', time: T0 });
    expect(JSON.stringify(mf(created)[0]!.fieldsV1)).toContain('"f:progressDeadlineSeconds"');
    const stored = { ...createdDeployment(), metadata: { ...created.metadata, uid: 'u1' } } as KubeObject;
    const put = updateManagedFields({ old: stored, new: { ...bare, metadata: stored.metadata }, manager: 'kubectl-replace', time: T1 });
    expect(mf(put)).toEqual(mf(created));
  });

  it('status writes are recorded with their subresource and never own spec; the main resource never owns status', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    const withStatus = { ...structuredClone(created), status: { replicas: 1, conditions: [{ type: 'Available', status: 'True' }] } };
    const out = updateManagedFields({ old: created, new: withStatus, manager: 'kube-controller-manager', subresource: 'status', time: T1 });
    expect(entry(out, 'kube-controller-manager')).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} } },
    });
    expect(Object.keys(entry(out, 'kube-controller-manager')!).at(-1)).toBe('subresource');
    const viaMain = updateManagedFields({ old: created, new: withStatus, manager: 'someone', time: T1 });
    expect(entry(viaMain, 'someone')).toBeUndefined();
  });

  it('an existing object nobody tracked stays untracked by updates; managedFields: [] resets tracking', () => {
    const live = { ...createdDeployment(), metadata: { ...createdDeployment().metadata, uid: 'u1' } };
    const next = structuredClone(live);
    spec(next).replicas = 2;
    expect(mf(updateManagedFields({ old: live, new: next, manager: 'x', time: T1 }))).toEqual([]);
    const tracked = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    const reset = { ...structuredClone(tracked), metadata: { ...tracked.metadata, uid: 'u1', managedFields: [] } } as KubeObject;
    expect(mf(updateManagedFields({ old: tracked, new: reset, manager: 'x', time: T1 }))).toEqual([]);
  });

  it('keeps at most 10 Update managers: the oldest are merged into ancient-changes', () => {
    let obj = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'm0', time: '2026-12-07T10:00:00Z' });
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(obj);
      next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
      obj = updateManagedFields({ old: obj, new: next, manager: `m${i}`, time: `2026-12-07T10:${String(i).padStart(2, '0')}:00Z` });
    }
    const names = mf(obj).map((e) => e.manager);
    expect(names).toHaveLength(10);
    expect(names[0]).toBe('ancient-changes');
    expect(names).not.toContain('m0');
    expect(names).not.toContain('m1');
    expect(names).not.toContain('m2');
  });
});

describe('serverSideApply', () => {
  it('creates: the applier owns exactly its configuration (apiVersion, kind, name... stripped)', () => {
    const r = serverSideApply({ live: undefined, applied: config(2), manager: 'kubectl', time: T0 });
    expect(r.changed).toBe(true);
    expect(r.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    expect(spec(r.object).replicas).toBe(2);
  });

  it('conflicts with the Update manager that set a field, with upstream 409 message and causes', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-client-side-apply', time: T0 });
    let err: unknown;
    try {
      serverSideApply({ live: created, applied: config(3, 'nginx'), manager: 'ci', time: T1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApplyConflictError);
    const c = err as ApplyConflictError;
    expect(c.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(c.status()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: c.message,
      reason: 'Conflict',
      details: { causes: [{ type: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });

  it('lists several conflicts per manager', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    expect(() => serverSideApply({ live: created, applied: config(3, 'nginx:1.26'), manager: 'ci', time: T1 })).toThrow(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('force takes the fields from their owners; equal values are shared without conflict', () => {
    const created = updateManagedFields({ old: undefined, new: createdDeployment(), manager: 'kubectl-create', time: T0 });
    const r = serverSideApply({ live: created, applied: config(3, 'nginx'), manager: 'ci', force: true, time: T1 });
    expect(spec(r.object).replicas).toBe(3);
    const create = entry(r.object, 'kubectl-create')!.fieldsV1 as { 'f:spec': Record<string, unknown> };
    expect(create['f:spec']['f:replicas']).toBeUndefined();
    // image "nginx" was equal: both own it
    const containers = (o: ManagedFieldsEntry) => JSON.stringify(o.fieldsV1);
    expect(containers(entry(r.object, 'kubectl-create')!)).toContain('"f:image"');
    expect(containers(entry(r.object, 'ci')!)).toContain('"f:image"');
  });

  it('a field dropped from the configuration is removed unless another manager owns it', () => {
    const first = serverSideApply({ live: undefined, applied: config(2, 'nginx', { minReadySeconds: 5, paused: false }), manager: 'a', time: T0 }).object;
    const shared = serverSideApply({ live: first, applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { paused: false } }, manager: 'b', time: T1 }).object;
    const second = serverSideApply({ live: shared, applied: config(2), manager: 'a', time: T2 }).object;
    expect(spec(second).minReadySeconds).toBeUndefined();
    expect(spec(second).paused).toBe(false);
    expect(spec(second).replicas).toBe(2);
  });

  it('list items dropped from the configuration go; items others added stay', () => {
    const two = config(1);
    (spec(two).template as { spec: { containers: unknown[] } }).spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const first = serverSideApply({ live: undefined, applied: two, manager: 'a', time: T0 }).object;
    const extra = structuredClone(first);
    (spec(extra).template as { spec: { containers: unknown[] } }).spec.containers.push({ name: 'injected', image: 'envoy' });
    const injected = updateManagedFields({ old: first, new: extra, manager: 'webhook', time: T1 });
    const r = serverSideApply({ live: injected, applied: config(1), manager: 'a', time: T2 }).object;
    const names = (spec(r).template as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name);
    expect(names).toEqual(['nginx', 'injected']);
  });

  it('a no-op apply changes nothing, not even the time', () => {
    const first = serverSideApply({ live: undefined, applied: config(2), manager: 'a', time: T0 }).object;
    const again = serverSideApply({ live: first, applied: config(2), manager: 'a', time: T1 });
    expect(again.changed).toBe(false);
    expect(again.object).toEqual(first);
  });

  it('fields of an object nobody tracked belong to before-first-apply', () => {
    const live = { ...createdDeployment(), metadata: { ...createdDeployment().metadata, uid: 'u1' } };
    expect(() => serverSideApply({ live, applied: config(4, 'nginx'), manager: 'a', time: T1 })).toThrow(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });

  it('refuses a patch of another version or kind, and managedFields in the patch (400)', () => {
    const live = serverSideApply({ live: undefined, applied: config(2), manager: 'a', time: T0 }).object;
    expect(() => serverSideApply({ live, applied: { ...config(2), apiVersion: 'apps/v1beta2' }, manager: 'a', time: T1 })).toThrow(
      new ApplyBadRequestError('invalid object type: apps/v1beta2, Kind=Deployment'),
    );
    const withMf = config(2);
    (withMf.metadata as Record<string, unknown>).managedFields = [];
    expect(() => serverSideApply({ live, applied: withMf, manager: 'a', time: T1 })).toThrow('metadata.managedFields must be nil');
  });

  it('conflicts name the subresource of their manager', () => {
    const live = serverSideApply({ live: undefined, applied: config(2), manager: 'a', time: T0 }).object;
    const scaled = structuredClone(live);
    spec(scaled).replicas = 5;
    const s = updateManagedFields({ old: live, new: scaled, manager: 'kubectl-scale', subresource: 'scale', time: T1 });
    expect(() => serverSideApply({ live: s, applied: config(2), manager: 'a', time: T2 })).toThrow(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  checkTypeMeta,
  didYouMean,
  editDistance,
  loadValidator,
  unsupportedFieldWarnings,
  validateObject,
  validateWith,
} from '../../../src/api/validate.js';
import { KINDS, schemaId } from '../../../src/api/kinds.js';

const deployment = (spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    ...spec,
  },
  ...extra,
});
const fmt = (errs: { path: string; message: string; severity?: string }[]) => errs.map((e) => `${e.severity} ${e.path}: ${e.message}`);

describe('validateObject', () => {
  it('accepts a minimal valid object with no findings', async () => {
    expect(await validateObject(deployment())).toEqual([]);
  });

  it('reports schema errors with upstream wording and segments', async () => {
    const d = deployment();
    (d.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolicy = 'Sometimes';
    expect(await validateObject(d)).toEqual([
      {
        path: 'spec.template.spec.containers[0].imagePullPolicy',
        segments: ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'],
        message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        severity: 'error',
      },
    ]);
  });

  it.each([
    [{ replicas: 1.5 }, 'error spec.replicas: Invalid value: 1.5: spec.replicas in body must be of type integer: "number"'],
    [{ paused: 'yes' }, 'error spec.paused: Invalid value: "yes": spec.paused in body must be of type boolean: "string"'],
    [{ strategy: { rollingUpdate: { maxSurge: true } } }, 'error spec.strategy.rollingUpdate.maxSurge: Invalid value: true: spec.strategy.rollingUpdate.maxSurge in body must be of type integer,string: "boolean"'],
    [{ template: { metadata: { labels: { app: 'web' } } } }, 'error spec.template.spec.containers: Required value'],
    [{ selector: { matchLabels: { app: 1 } } }, 'error spec.selector.matchLabels[app]: Invalid value: 1: spec.selector.matchLabels[app] in body must be of type string: "integer"'],
  ])('%j', async (spec, want) => {
    expect(fmt(await validateObject(deployment(spec)))).toContain(want);
  });

  it('prints map keys in brackets, as upstream field paths do', async () => {
    const errs = await validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 5 } } });
    expect(errs[0]).toMatchObject({
      path: 'metadata.labels[app.kubernetes.io/name]',
      segments: ['metadata', 'labels', 'app.kubernetes.io/name'],
    });
  });

  it('treats null as unset, as the API server does (kubectl create --dry-run output)', async () => {
    const d = deployment({ strategy: {} }, { status: {} });
    Object.assign(d.metadata, { creationTimestamp: null });
    Object.assign(d.spec.template.metadata, { creationTimestamp: null });
    expect(await validateObject(d)).toEqual([]);
    expect(fmt(await validateObject(deployment({ selector: null })))).toContain('error spec.selector: Required value');
  });

  describe('unknown fields', () => {
    const typo = () => deployment({ replica: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', Image: 'x', imagePullPolicyy: 'Always' }] } } });

    it('strict (the default): errors with a did-you-mean', async () => {
      expect(fmt(await validateObject(typo()))).toEqual([
        'error spec.replica: unknown field "spec.replica" (did you mean "replicas"?)',
        'error spec.template.spec.containers[0].Image: unknown field "spec.template.spec.containers[0].Image" (did you mean "image"?)',
        'error spec.template.spec.containers[0].imagePullPolicyy: unknown field "spec.template.spec.containers[0].imagePullPolicyy" (did you mean "imagePullPolicy"?)',
      ]);
    });

    it('strict leaves the object untouched', async () => {
      const o = typo();
      await validateObject(o, { mode: 'strict' });
      expect(o.spec).toHaveProperty('replica', 3);
    });

    it('warn: warnings, and the fields are dropped as the API server drops them', async () => {
      const o = typo();
      const errs = await validateObject(o, { mode: 'warn' });
      expect(errs.map((e) => e.severity)).toEqual(['warning', 'warning', 'warning']);
      expect(o.spec).not.toHaveProperty('replica');
      expect(o.spec.template.spec.containers[0]).toEqual({ name: 'web', image: 'nginx' });
    });

    it('ignore: dropped silently', async () => {
      const o = typo();
      expect(await validateObject(o, { mode: 'ignore' })).toEqual([]);
      expect(o.spec).not.toHaveProperty('replica');
      expect(o.spec.template.spec.containers[0]).toEqual({ name: 'web', image: 'nginx' });
    });

    it('ignore still reports real errors', async () => {
      const o = deployment({ replicas: -1, bogus: true });
      expect(fmt(await validateObject(o, { mode: 'ignore' }))).toEqual(['error spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
    });
  });

  it('reports fields kctl does not honour as warnings, unless asked not to', async () => {
    const d = deployment();
    Object.assign(d.spec.template.spec, { affinity: {}, hostNetwork: true });
    expect(fmt(await validateObject(d))).toEqual([
      'warning spec.template.spec.affinity: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.hostNetwork: accepted but not honoured by kctl (not supported)',
    ]);
    expect(await validateObject(d, { warnUnsupported: false })).toEqual([]);
    expect(unsupportedFieldWarnings(d, KINDS.find((k) => k.kind === 'Deployment')!)).toHaveLength(2);
  });

  it('accepts a partial status (controllers write it; the API server drops it on create) but not unknown status fields', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'i' }] } } },
      status: { numberReady: 1 },
    };
    expect(await validateObject(ds)).toEqual([]);
    Object.assign(ds.status, { ready: 1 });
    expect(fmt(await validateObject(ds))).toEqual(['error status.ready: unknown field "status.ready"']);
  });

  it('combines schema and semantic errors without duplicates', async () => {
    const errs = fmt(await validateObject(deployment({ selector: undefined })));
    expect(errs.filter((e) => e === 'error spec.selector: Required value')).toHaveLength(1);
  });

  it('checks the name with the kind-specific rule', async () => {
    expect(fmt(await validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a.b' }, spec: { ports: [{ port: 80 }] } }))[0]).toMatch(
      /^error metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label must consist of/,
    );
    expect(await validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a.b' } })).toEqual([]);
    expect(await validateObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } })).toEqual([]);
  });
});

describe('checkTypeMeta', () => {
  it.each([
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, []],
    [{ kind: 'Pod' }, ['apiVersion: apiVersion not set']],
    [{}, ['apiVersion: apiVersion not set', 'kind: kind not set']],
    [{ apiVersion: 'v1', kind: 'Deployment' }, ['kind: no matches for kind "Deployment" in version "v1" (ensure CRDs are installed first)']],
    [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress' }, ['kind: no matches for kind "Ingress" in version "extensions/v1beta1" (ensure CRDs are installed first)']],
    ['a string', [': invalid object to validate']],
    [[], [': invalid object to validate']],
  ])('%j', (obj, want) => {
    expect(checkTypeMeta(obj).errors.map((e) => `${e.path}: ${e.message}`)).toEqual(want);
  });

  it('validateObject stops at type meta errors', async () => {
    expect(fmt(await validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', spec: { x: 1 } }))).toEqual([
      'error kind: no matches for kind "Widget" in version "example.com/v1" (ensure CRDs are installed first)',
    ]);
  });
});

describe('validators', () => {
  it('loads one validator per kind, once', async () => {
    const a = await loadValidator('apps.v1.Deployment');
    const b = await loadValidator('apps.v1.Deployment');
    expect(a).toBe(b);
    expect(a.schemaId).toBe('apps.v1.Deployment');
    expect(a.mapFields.has('metadata.labels')).toBe(true);
    expect(a.mapFields.has('spec.template.spec.containers[].resources.limits')).toBe(true);
  });

  it('refuses schema ids that are not kinds', async () => {
    await expect(loadValidator('../../etc/passwd')).rejects.toThrow('no schema for "../../etc/passwd"');
  });

  it('validateWith is the synchronous form for preloaded validators', async () => {
    const v = await loadValidator('core.v1.ConfigMap');
    expect(validateWith(v, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } }).map((e) => e.path)).toEqual(['data[a]']);
    expect(() => validateWith(v, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })).toThrow('validator core.v1.ConfigMap cannot validate v1 Secret');
  });

  it.each(KINDS.map((k) => schemaId(k)))('%s has a validator', async (id) => {
    const v = await loadValidator(id);
    expect(typeof v.validate).toBe('function');
  });
});

describe('did you mean', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['replica', 'replicas', 1],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it.each([
    ['replica', ['replicas', 'selector'], 'replicas'],
    ['ContainerPort', ['containerPort', 'hostPort'], 'containerPort'],
    ['imagePullPolicyy', ['image', 'imagePullPolicy'], 'imagePullPolicy'],
    ['healthcheck', ['livenessProbe', 'readinessProbe'], undefined],
    ['ab', ['id', 'xy'], undefined],
  ] as const)('%s among %j -> %s', (name, candidates, want) => {
    expect(didYouMean(name, candidates)).toBe(want);
  });
});

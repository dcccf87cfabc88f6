// The object edits (pause, resume, restart, set image), wait's condition parsing and checks, and the flag parsers.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { conditionMet, jsonPathMet, parseWaitFor } from '../../../src/cli/rollout/conditions.js';
import { formatRFC3339Local, parseImageArgs, pauseObject, restartObject, resumeObject, setImages } from '../../../src/cli/rollout/mutations.js';
import { parseBoolFlag, parseDurationFlag, parseDurationMs, parseIntFlag } from '../../../src/cli/flags.js';

const deploy = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: { initContainers: [{ name: 'init', image: 'i:1' }], containers: [{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }] } }, ...spec },
});

describe('pause, resume, restart', () => {
  it('pause and resume toggle spec.paused, refusing a no-op as kubectl does', () => {
    const paused = pauseObject(deploy());
    expect((paused.spec as { paused?: boolean }).paused).toBe(true);
    expect(() => pauseObject(paused)).toThrow('is already paused');
    const resumed = resumeObject(paused);
    expect('paused' in (resumed.spec as object)).toBe(false);
    expect(() => resumeObject(resumed)).toThrow('is not paused');
    const rs = { ...deploy(), kind: 'ReplicaSet' };
    expect(() => pauseObject(rs)).toThrow('pausing is not supported');
    expect(() => resumeObject(rs)).toThrow('resuming is not supported');
  });

  it('restart stamps the template; not a paused Deployment; not a ReplicaSet', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const r = restartObject(deploy(), now);
    const ann = (r.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    expect(new Date(ann['kubectl.kubernetes.io/restartedAt']!).getTime()).toBe(now.getTime());
    expect(ann['kubectl.kubernetes.io/restartedAt']).toBe(formatRFC3339Local(now));
    expect(formatRFC3339Local(now)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(() => restartObject(deploy({ paused: true }), now)).toThrow("can't restart paused deployment (run rollout resume first)");
    expect(() => restartObject({ ...deploy(), kind: 'ReplicaSet' }, now)).toThrow('restarting is not supported');
  });
});

describe('set image', () => {
  const images = (...pairs: [string, string][]) => new Map(pairs);
  const imagesOf = (o: KubeObject) => {
    const spec = (o.spec as { template: { spec: { initContainers: { image: string }[]; containers: { image: string }[] } } }).template.spec;
    return [...spec.initContainers, ...spec.containers].map((c) => c.image);
  };

  it('sets named containers (init ones too), * sets all, unknown names are reported', () => {
    expect(imagesOf(setImages(deploy(), images(['app', 'a:2'])).object)).toEqual(['i:1', 'a:2', 's:1']);
    expect(imagesOf(setImages(deploy(), images(['init', 'i:2'])).object)).toEqual(['i:2', 'a:1', 's:1']);
    expect(imagesOf(setImages(deploy(), images(['*', 'x:9'])).object)).toEqual(['x:9', 'x:9', 'x:9']);
    const r = setImages(deploy(), images(['app', 'a:2'], ['nope', 'n:1']));
    expect(r.changed).toBe(true);
    expect(r.errors).toEqual(['unable to find container named "nope"']);
    expect(setImages(deploy(), images(['app', 'a:1'])).changed).toBe(false);
  });

  it('works on pods and cron jobs; other kinds have no pod template', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'c:1' }] } };
    expect((setImages(pod, images(['c', 'c:2'])).object.spec as { containers: { image: string }[] }).containers[0]!.image).toBe('c:2');
    const cj: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } } } };
    expect(setImages(cj, images(['c', 'c:2'])).changed).toBe(true);
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} };
    expect(() => setImages(svc, images(['c', 'c:2']))).toThrow('the object is not a pod or does not have a pod template: *v1.Service');
  });

  it('splits resources from NAME=IMAGE pairs as kubectl does', () => {
    expect(parseImageArgs(['deploy/web', 'app=a:2', 'side=s:2'])).toEqual({ resources: ['deploy/web'], images: images(['app', 'a:2'], ['side', 's:2']) });
    expect(parseImageArgs(['deployment', 'web', 'app=a:2']).resources).toEqual(['deployment', 'web']);
    expect(() => parseImageArgs(['app=a:2', 'deploy/web'])).toThrow('all resources must be specified before image changes: deploy/web');
    expect(() => parseImageArgs(['deploy/web', 'app='])).toThrow('invalid image format: [app=]');
  });
});

describe('wait --for', () => {
  it.each([
    ['delete', { type: 'delete' }],
    ['DELETE', { type: 'delete' }],
    ['create', { type: 'create' }],
    ['condition=Available', { type: 'condition', name: 'Available', value: 'true' }],
    ['condition=Ready=false', { type: 'condition', name: 'Ready', value: 'false' }],
  ])('%s', (s, want) => {
    expect(parseWaitFor(s)).toEqual(want);
  });

  it('parses jsonpath with or without a value, = inside filters included', () => {
    expect(parseWaitFor('jsonpath={.status.phase}=Running')).toMatchObject({ type: 'jsonpath', expression: '{.status.phase}', value: 'Running' });
    expect(parseWaitFor("jsonpath='{.status.phase}'=Running")).toMatchObject({ expression: '{.status.phase}', value: 'Running' });
    expect(parseWaitFor('jsonpath=.status.readyReplicas')).toMatchObject({ expression: '{.status.readyReplicas}' });
    expect(parseWaitFor('jsonpath=.status.readyReplicas')).not.toHaveProperty('value');
    expect(parseWaitFor('jsonpath={.status.conditions[?(@.type=="Ready")].status}=True')).toMatchObject({ expression: '{.status.conditions[?(@.type=="Ready")].status}', value: 'True' });
  });

  it.each([
    ['', 'unrecognized condition: ""'],
    ['Ready', 'unrecognized condition: "Ready"'],
    ['jsonpath=', 'jsonpath expression cannot be empty'],
    ['jsonpath={.status.phase}=', 'jsonpath wait value cannot be empty'],
  ])('rejects %j', (s, message) => {
    expect(() => parseWaitFor(s)).toThrow(message);
  });

  const obj = (generation: number, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, status });

  it('conditions compare case-insensitively and wait for the generation to be observed', () => {
    const avail = [{ type: 'Available', status: 'True' }];
    expect(conditionMet(obj(1, { observedGeneration: 1, conditions: avail }), 'available', 'true')).toBe(true);
    expect(conditionMet(obj(1, { observedGeneration: 1, conditions: avail }), 'Available', 'False')).toBe(false);
    expect(conditionMet(obj(2, { observedGeneration: 1, conditions: avail }), 'Available', 'true')).toBe(false);
    expect(conditionMet(obj(2, { observedGeneration: 1, conditions: [{ type: 'Available', status: 'True', observedGeneration: 2 }] }), 'Available', 'true')).toBe(true);
    expect(conditionMet(obj(1, {}), 'Available', 'true')).toBe(false);
  });

  it('jsonpath compares the single value as text; refuses lists and maps', () => {
    const o = obj(1, { phase: 'Running', readyReplicas: 3, conditions: [{ type: 'A' }, { type: 'B' }] });
    const p = (s: string) => parseWaitFor(`jsonpath=${s}`) as Extract<ReturnType<typeof parseWaitFor>, { type: 'jsonpath' }>;
    expect(jsonPathMet(o, p('{.status.phase}').path, 'Running')).toBe(true);
    expect(jsonPathMet(o, p('{.status.phase}').path, 'Pending')).toBe(false);
    expect(jsonPathMet(o, p('{.status.readyReplicas}').path, '3')).toBe(true);
    expect(jsonPathMet(o, p('{.status.phase}').path, undefined)).toBe(true);
    expect(jsonPathMet(o, p('{.status.missing}').path, undefined)).toBe(false);
    expect(() => jsonPathMet(o, p('{.status.conditions}').path, 'x')).toThrow('jsonpath leads to a nested object or list which is not supported');
    expect(() => jsonPathMet(o, p('{.status.conditions[*].type}').path, 'A')).toThrow('given jsonpath expression matches more than one value');
  });
});

describe('flag parsers', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['-1s', -1000],
    ['45', 45_000],
  ])('duration %s', (s, ms) => {
    expect(parseDurationMs(s)).toBe(ms);
  });

  it('rejects bad values with pflag\'s wording', () => {
    expect(() => parseDurationMs('3x')).toThrow('invalid duration "3x"');
    expect(() => parseDurationFlag('--timeout', 'soon', 0)).toThrow('invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"');
    expect(() => parseIntFlag('--replicas', '3.5', -1)).toThrow('invalid argument "3.5" for "--replicas" flag: strconv.ParseInt: parsing "3.5": invalid syntax');
    expect(() => parseBoolFlag('-w, --watch', 'maybe', true)).toThrow('invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    expect(parseBoolFlag('--w', 'false', true)).toBe(false);
    expect(parseBoolFlag('--w', true, false)).toBe(true);
    expect(parseBoolFlag('--w', undefined, true)).toBe(true);
    expect(parseIntFlag('--n', undefined, -1)).toBe(-1);
  });
});

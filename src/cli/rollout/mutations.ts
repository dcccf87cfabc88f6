// The object edits behind `rollout pause|resume|restart` and `set image`, as pure functions on a copy (kubectl's
// objectpauser.go, objectresumer.go, objectrestarter.go, updatepodspec.go). Each returns the changed object or
// throws a plain Error carrying kubectl's reason ("is already paused"), which the command words per object.
import type { KubeObject } from '../../api/types.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

// TODO(lead): belongs in api/meta.ts.
/** The pod-template annotation `rollout restart` sets to force a new rollout. */
export { RESTARTED_AT } from '../../api/meta.js';
import { RESTARTED_AT } from '../../api/meta.js';

/** objectpauser: only Deployments pause. */
export function pauseObject(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Deployment') throw new Error('pausing is not supported');
  if (o(obj.spec).paused === true) throw new Error('is already paused');
  const next = structuredClone(obj);
  next.spec = { ...o(next.spec), paused: true };
  return next;
}

/** objectresumer: only Deployments resume. */
export function resumeObject(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Deployment') throw new Error('resuming is not supported');
  if (o(obj.spec).paused !== true) throw new Error('is not paused');
  const next = structuredClone(obj);
  const spec = { ...o(next.spec) };
  delete spec.paused;
  next.spec = spec;
  return next;
}

/** Go's time.Time.Format(time.RFC3339) in the local time zone: `2026-01-01T10:00:00+01:00` (`Z` for UTC). */
export function formatRFC3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${zone}`;
}

/** objectrestarter: Deployments, DaemonSets and StatefulSets get `kubectl.kubernetes.io/restartedAt` on their template. */
export function restartObject(obj: KubeObject, now: Date): KubeObject {
  if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(obj.kind)) throw new Error('restarting is not supported');
  if (obj.kind === 'Deployment' && o(obj.spec).paused === true) throw new Error("can't restart paused deployment (run rollout resume first)");
  const next = structuredClone(obj);
  const spec = o(next.spec);
  const template = o(spec.template);
  const meta = o(template.metadata);
  next.spec = { ...spec, template: { ...template, metadata: { ...meta, annotations: { ...o(meta.annotations), [RESTARTED_AT]: formatRFC3339Local(now) } } } };
  return next;
}

/** Where an object keeps its pod spec (updatepodspec.go), or undefined for kinds without one. */
export function podSpecOf(obj: KubeObject): Obj | undefined {
  switch (obj.kind) {
    case 'Pod':
      return o(obj.spec);
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicationController':
      return o(o(o(obj.spec).template).spec);
    case 'CronJob':
      return o(o(o(o(o(obj.spec).jobTemplate).spec).template).spec);
    default:
      return undefined;
  }
}

export interface SetImageResult {
  object: KubeObject;
  changed: boolean;
  /** kubectl's per-container errors: `unable to find container named "x"` */
  errors: string[];
}

/**
 * `set image`: container name → image (`*` for every container), in init containers and containers. Throws
 * `the object is not a pod or does not have a pod template: *v1.Service` for other kinds.
 */
export function setImages(obj: KubeObject, images: ReadonlyMap<string, string>): SetImageResult {
  const next = structuredClone(obj);
  const spec = podSpecOf(next);
  if (!spec) throw new Error(`the object is not a pod or does not have a pod template: *${obj.apiVersion.split('/').pop()}.${obj.kind}`);
  let changed = false;
  const errors: string[] = [];
  const set = (list: unknown, name: string, image: string): boolean => {
    let found = false;
    for (const c of Array.isArray(list) ? list.map(o) : []) {
      if (c.name !== name && name !== '*') continue;
      found = true;
      if (c.image !== image) {
        c.image = image;
        changed = true;
      }
    }
    return found;
  };
  for (const [name, image] of images) {
    const inInit = set(spec.initContainers, name, image);
    const inMain = set(spec.containers, name, image);
    if (!inInit && !inMain) errors.push(`unable to find container named "${name}"`);
  }
  return { object: next, changed, errors };
}

/**
 * cmdutil.GetResourcesAndPairs + ParsePairs for `set image`: arguments before the first `NAME=IMAGE` are
 * resources; every later one must be a pair.
 */
export function parseImageArgs(args: readonly string[]): { resources: string[]; images: Map<string, string> } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    const isPair = a.includes('=') && a !== '=';
    if (isPair) pairs.push(a);
    else if (pairs.length > 0) throw new Error(`all resources must be specified before image changes: ${a}`);
    else resources.push(a);
  }
  const images = new Map<string, string>();
  const invalid: string[] = [];
  for (const p of pairs) {
    const i = p.indexOf('=');
    const name = p.slice(0, i);
    const image = p.slice(i + 1);
    if (name === '' || image === '') invalid.push(p);
    else images.set(name, image);
  }
  if (invalid.length > 0) throw new Error(`invalid image format: [${invalid.join(' ')}]`);
  return { resources, images };
}

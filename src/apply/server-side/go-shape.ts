// The fields a Go API object always has once converted to JSON (struct values and non-omitempty fields:
// `metadata.creationTimestamp: null`, `spec.template`, `status: {}`, each container's `resources: {}`...). The
// API server compares typed Go objects, so an Update's field set marks `.` only on what was really absent:
// creating a Deployment owns `f:metadata` without `.` but `f:labels` with it, and each new container
// `f:resources: {}`. kctl's stored JSON leaves these out; the field manager compares shaped copies (never
// stores them). The table covers the kinds kctl runs; other kinds get the generic `spec`/`status` values.
import { fieldType, resolve, type TypeRef } from './schema.js';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const ZERO: Readonly<Record<string, Readonly<Obj>>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { creationTimestamp: null },
  'io.k8s.api.apps.v1.DeploymentSpec': { selector: null, template: {}, strategy: {} },
  'io.k8s.api.apps.v1.ReplicaSetSpec': { selector: null, template: {} },
  'io.k8s.api.apps.v1.StatefulSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.apps.v1.DaemonSetSpec': { selector: null, template: {}, updateStrategy: {} },
  'io.k8s.api.batch.v1.JobSpec': { template: {} },
  'io.k8s.api.batch.v1.CronJobSpec': { schedule: '', jobTemplate: {} },
  'io.k8s.api.batch.v1.JobTemplateSpec': { metadata: {}, spec: {} },
  'io.k8s.api.core.v1.PodTemplateSpec': { metadata: {}, spec: {} },
  'io.k8s.api.core.v1.PodSpec': { containers: null },
  'io.k8s.api.core.v1.Container': { name: '', resources: {} },
  'io.k8s.api.core.v1.ServiceStatus': { loadBalancer: {} },
};
const ROOT_VALUES = ['metadata', 'spec', 'status'];

/** A copy of value with the Go zero fields of its type filled in. */
export function goShape(value: unknown, ref: TypeRef, root = true): unknown {
  const atom = resolve(ref, value);
  if (atom.type === 'list' && Array.isArray(value)) return value.map((v) => goShape(v, atom.elem, false));
  if (atom.type !== 'map' || !isMap(value) || !atom.fields) return value;
  const out: Obj = { ...value };
  const zero = typeof ref === 'string' ? ZERO[ref] : undefined;
  for (const [k, v] of Object.entries(zero ?? {})) if (out[k] === undefined) out[k] = structuredClone(v);
  if (root) for (const k of ROOT_VALUES) if (k in atom.fields && out[k] === undefined) out[k] = {};
  for (const [k, v] of Object.entries(out)) if (isMap(v) || Array.isArray(v)) out[k] = goShape(v, fieldType(atom, k), false);
  return out;
}

/** The zero object of a kind as Go's ToUnstructured writes it (the "live" object of a create). */
export const zeroObject = (ref: TypeRef): unknown => goShape({}, ref);

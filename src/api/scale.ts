// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and
// ReplicationControllers, as upstream's registries convert it: spec.replicas both ways, status.replicas and the
// selector (as a string) from the object.
import type { KubeObject } from './types.js';
import { formatLabelSelector, labelsString } from './labels.js';
import { KctlError } from '../util/errors.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/** The Scale of a scalable object. */
export function scaleOf(obj: KubeObject): Scale {
  const spec = o(obj.spec);
  const status = o(obj.status);
  const m = obj.metadata;
  // ReplicationController's selector is a plain map; the others' a LabelSelector
  const selector =
    obj.kind === 'ReplicationController'
      ? labelsString(spec.selector as Record<string, string> | undefined)
      : formatLabelSelector(spec.selector as never);
  const st: Scale['status'] = { replicas: typeof status.replicas === 'number' ? status.replicas : 0 };
  if (selector && selector !== '<none>') st.selector = selector;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: st,
  };
}

/**
 * The object with the Scale's spec.replicas (and its resourceVersion as the precondition). Throws a
 * ValidationError-shaped KctlError for a negative count, as upstream's ValidateScale.
 */
export function withScale(obj: KubeObject, scale: unknown): KubeObject {
  const s = o(scale);
  const replicas = o(s.spec).replicas;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas)))
    throw new KctlError('Usage', `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  const next = structuredClone(obj) as KubeObject & { spec: Obj };
  next.spec = { ...o(next.spec), replicas: (replicas as number | undefined) ?? 0 };
  const rv = o(s.metadata).resourceVersion;
  const m = next.metadata as { resourceVersion?: string };
  if (typeof rv === 'string' && rv) m.resourceVersion = rv;
  return next;
}

// The data of a StatefulSet's or DaemonSet's ControllerRevision (upstream pkg/controller/statefulset and
// pkg/controller/daemon getPatch / ApplyRevision): the strategic-merge patch
// `{"spec":{"template":{...,"$patch":"replace"}}}`. Shared by the StatefulSet and DaemonSet controllers
// (controllers/statefulset/revision.ts, controllers/daemonset/revision.ts) and `kctl rollout history|undo`
// (cli/rollout/). Pure.
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from './types.js';

type Obj = Record<string, unknown>;

export type RevisionObj = ControllerRevision & KubeObject;

/** upstream getPatch: the set's template as a replacing patch. */
export function revisionData(set: { spec?: { template?: PodTemplateSpec } }): Obj {
  return { spec: { template: { ...structuredClone((set.spec?.template ?? {}) as Obj), $patch: 'replace' } } };
}

/** The pod template a revision holds (upstream ApplyRevision, for the only field a revision carries). */
export function templateOf(rev: Pick<RevisionObj, 'data'>): PodTemplateSpec {
  const t = { ...(((rev.data as Obj | undefined)?.spec as Obj | undefined)?.template as Obj | undefined) };
  delete t.$patch;
  return t as PodTemplateSpec;
}

// upstream controller.GetPodFromTemplate (pkg/controller/controller_utils.go), for every controller that makes
// pods from a template (ReplicaSet, StatefulSet; Job and DaemonSet build on it too). Pure.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject, OwnerReference, Pod } from '../api/types.js';

export type PodObj = Pod & KubeObject;

/**
 * The pod a controller creates from `template` for `parent`: the template's labels, annotations and finalizers
 * (copies), `generateName: <parent>-` (the store draws the name), the parent's namespace, `controllerRef` as its
 * only ownerReference, and a deep copy of the template's spec. Callers that name their pods (StatefulSet: by
 * ordinal) set `metadata.name` afterwards.
 */
export function podFromTemplate(template: PodTemplateSpec | undefined, parent: Pick<KubeObject, 'metadata'>, controllerRef: OwnerReference): PodObj {
  const tpl = template ?? {};
  const meta = tpl.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${parent.metadata.name}-`,
      namespace: parent.metadata.namespace ?? 'default',
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(tpl.spec ?? { containers: [] }),
  };
}

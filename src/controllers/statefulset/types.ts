// The object shapes the StatefulSet controller works with (kubernetes-types + the stored-object envelope).
import type { KubeObject, Pod, PersistentVolumeClaim, StatefulSet } from '../../api/types.js';
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';

export type { KubeObject, StatefulSetStatus };
export type StatefulSetObj = StatefulSet & KubeObject;
export type PodObj = Pod & KubeObject;
export type ClaimObj = PersistentVolumeClaim & KubeObject;

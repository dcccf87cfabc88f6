// The object shapes the Deployment controller works with (kubernetes-types + the stored-object envelope).
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../../api/types.js';
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';

export type { Deployment, KubeObject, Pod, ReplicaSet, DeploymentCondition, DeploymentStatus };
export type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';

export type DeploymentObj = Deployment & KubeObject;
export type ReplicaSetObj = ReplicaSet & KubeObject;
export type PodObj = Pod & KubeObject;

// Object types come from kubernetes-types (generated from the Kubernetes OpenAPI); this file only adds the
// loose shape every stored object shares.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export type { ObjectMeta, OwnerReference, LabelSelector, Condition } from 'kubernetes-types/meta/v1.js';
export type { Pod, PodSpec, Container, Service, Namespace, ConfigMap, Secret, Endpoints, Event, PersistentVolumeClaim, Node } from 'kubernetes-types/core/v1.js';
export type { Deployment, ReplicaSet, StatefulSet, DaemonSet } from 'kubernetes-types/apps/v1.js';
export type { Job, CronJob } from 'kubernetes-types/batch/v1.js';

/** Any Kubernetes object as stored: TypeMeta + ObjectMeta + the rest. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

/** An object read from a manifest, with where it came from. */
export interface Sourced<T = KubeObject> {
  object: T;
  /** "dir/web.yaml#1" (document index, 0-based) */
  source: string;
  /** file path as the user named it ("-" for stdin) */
  file: string;
  /** line:col of a field path in that document, for error messages; undefined when unknown */
  positionOf(path: (string | number)[]): { line: number; col: number } | undefined;
}

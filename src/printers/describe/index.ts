// kubectl describe, as k8s.io/kubectl/pkg/describe (v1.32) lays it out: `Key:\tvalue` lines indented by level and
// aligned by a tabwriter (padding 2), the Events table aligned on its own. Related objects (events, pods, replica
// sets, endpoint slices, ...) are passed in; describe() picks the ones that belong to the object, as the describers'
// API queries would. One file per group of describers; shared helpers in helpers.ts.
import type { KubeObject } from '../../api/types.js';
import { describeDaemonSet, describeDeployment, describeReplicaSet, describeStatefulSet } from './apps.js';
import { describeCronJob, describeJob } from './batch.js';
import { describeConfigMap, describeNamespace, describeSecret, describeServiceAccount } from './core.js';
import { describeGeneric } from './generic.js';
import { type DescribeOptions, type DescribeRelated, PrefixWriter } from './helpers.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeEndpoints, describeEndpointSlice, describeService } from './service.js';
import { describePVC, describeStorageClass } from './storage.js';

export { eventsFor, formatRFC1123Z, type DescribeOptions, type DescribeRelated } from './helpers.js';
export { smartLabelFor } from './generic.js';

type Describer = (w: PrefixWriter, obj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean) => void;
const DESCRIBERS: Record<string, Describer> = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  StatefulSet: describeStatefulSet,
  DaemonSet: describeDaemonSet,
  Job: describeJob,
  CronJob: describeCronJob,
  Service: describeService,
  Endpoints: describeEndpoints,
  EndpointSlice: describeEndpointSlice,
  ConfigMap: describeConfigMap,
  Secret: (w, x) => describeSecret(w, x),
  ServiceAccount: describeServiceAccount,
  Namespace: (w, x) => describeNamespace(w, x),
  Node: describeNode,
  PersistentVolumeClaim: describePVC,
  StorageClass: describeStorageClass,
};

/**
 * Renders `kubectl describe` for one object. `now` drives every age; absolute times print in the process's local
 * time zone, as kubectl prints them. Kinds without a dedicated describer get kubectl's generic one.
 */
export function describe(obj: KubeObject, related: DescribeRelated, now: Date, opts: DescribeOptions = {}): string {
  const w = new PrefixWriter();
  (DESCRIBERS[obj.kind] ?? describeGeneric)(w, obj, related, now, opts.showEvents ?? true);
  return w.toString();
}

/** How kubectl describe joins several objects: a blank line between them. */
export const joinDescriptions = (texts: string[]): string => texts.map((t, i) => (i === 0 ? t : `\n\n${t}`)).join('');

/** Optional emphasis for terminals (kubectl itself prints describe without colour). */
export async function colorizeDescribe(text: string): Promise<string> {
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: 1 });
  return text.replace(/^([A-Z][A-Za-z -]*:)(?=\s|$)/gm, (m) => chalk.bold(m));
}

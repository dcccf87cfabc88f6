// Deployments, ReplicaSets, StatefulSets, DaemonSets.
import { formatLabels, formatLabelSelector } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { parseTime } from '../age.js';
import { formatQuantity } from '../../api/quantity.js';
import { goSort } from '../sort.js';
import { a, controllerOf, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, goList, intOrString, n, o, type Obj, PrefixWriter, printAnnotationsMultiline, printController, printLabelsMultiline, s, selectorText, strMap } from './helpers.js';
import { describePodTemplate } from './pod.js';
import { pvcClass } from './storage.js';

/** deploymentutil.EqualIgnoreHash: pod templates equal once pod-template-hash is dropped (nil ≡ empty). */
function equalIgnoreHash(t1: unknown, t2: unknown): boolean {
  const strip = (t: unknown): unknown => {
    const c = JSON.parse(JSON.stringify(t ?? {})) as Obj;
    const labels = o(o(c.metadata).labels);
    delete labels['pod-template-hash'];
    return c;
  };
  return semanticEqual(strip(t1), strip(t2));
}
function semanticEqual(x: unknown, y: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(x) && empty(y)) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => semanticEqual(e, y[i]));
  if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) if (!semanticEqual((x as Obj)[k], (y as Obj)[k])) return false;
    return true;
  }
  return x === y;
}

const ownedBy = (child: KubeObject, owner: KubeObject): boolean => {
  const r = controllerOf(child);
  if (!r) return false;
  if (owner.metadata.uid && r.uid) return r.uid === owner.metadata.uid;
  return r.kind === owner.kind && r.name === owner.metadata.name;
};
const replicasOf = (x: KubeObject): number => (typeof o(x.spec).replicas === 'number' ? (o(x.spec).replicas as number) : 1);
const rsByLabels = (rss: KubeObject[]): string =>
  rss.map((r) => `${r.metadata.name} (${n(o(r.status).replicas)}/${replicasOf(r)} replicas created)`).join(', ') || '<none>';

export function describeDeployment(w: PrefixWriter, d: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(d.spec);
  const st = o(d.status);
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(d.metadata.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${formatRFC1123Z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${replicasOf(d)} desired | ${n(st.updatedReplicas)} updated | ${n(st.replicas)} total | ${n(st.availableReplicas)} available | ${n(
      st.unavailableReplicas,
    )} unavailable\n`,
  );
  const strategy = o(spec.strategy);
  w.write(0, `StrategyType:\t${s(strategy.type)}\n`);
  w.write(0, `MinReadySeconds:\t${n(spec.minReadySeconds)}\n`);
  if (strategy.rollingUpdate) {
    const ru = o(strategy.rollingUpdate);
    w.write(0, `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`);
  }
  describePodTemplate(w, o(spec.template));
  const conds = a(st.conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conds) w.write(1, `${s(c.type)} \t${s(c.status)}\t${s(c.reason)}\n`);
  }
  // GetAllReplicaSets: the Deployment's ReplicaSets by creation time; the new one has the Deployment's template
  const rss = goSort(
    (rel.replicaSets ?? []).filter((r) => r.metadata.namespace === d.metadata.namespace && ownedBy(r, d)),
    (x, y) => {
      const tx = parseTime(x.metadata.creationTimestamp) ?? 0;
      const ty = parseTime(y.metadata.creationTimestamp) ?? 0;
      return tx === ty ? x.metadata.name < y.metadata.name : tx < ty;
    },
  );
  const newRS = rss.find((r) => equalIgnoreHash(o(r.spec).template, spec.template));
  const oldRSs = rss.filter((r) => r !== newRS);
  if (oldRSs.length || newRS) {
    w.write(0, `OldReplicaSets:\t${rsByLabels(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${rsByLabels(newRS ? [newRS] : [])}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(d, rel.events), now);
}

function podPhaseCounts(owner: KubeObject, pods: KubeObject[] | undefined): string {
  let running = 0;
  let waiting = 0;
  let succeeded = 0;
  let failed = 0;
  for (const p of pods ?? []) {
    if (p.metadata.namespace !== owner.metadata.namespace || !ownedBy(p, owner)) continue;
    const ph = s(o(p.status).phase);
    if (ph === 'Running') running++;
    else if (ph === 'Pending') waiting++;
    else if (ph === 'Succeeded') succeeded++;
    else if (ph === 'Failed') failed++;
  }
  return `${running} Running / ${waiting} Waiting / ${succeeded} Succeeded / ${failed} Failed`;
}

export function describeReplicaSet(w: PrefixWriter, rs: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(rs.spec);
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(rs.metadata.namespace)}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(spec.selector as never)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const ctl = printController(rs);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  w.write(0, `Replicas:\t${n(o(rs.status).replicas)} current / ${replicasOf(rs)} desired\n`);
  w.write(0, 'Pods Status:\t');
  w.write(0, `${podPhaseCounts(rs, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  const conds = a(o(rs.status).conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conds) w.write(1, `${s(c.type)} \t${s(c.status)}\t${s(c.reason)}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(rs, rel.events), now);
}

export function describeStatefulSet(w: PrefixWriter, x: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(x.spec);
  w.write(0, `Name:\t${x.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(x.metadata.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${formatRFC1123Z(x.metadata.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', x.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', x.metadata.annotations);
  w.write(0, `Replicas:\t${replicasOf(x)} desired | ${n(o(x.status).replicas)} total\n`);
  const us = o(spec.updateStrategy);
  w.write(0, `Update Strategy:\t${s(us.type)}\n`);
  if (us.rollingUpdate) {
    const ru = o(us.rollingUpdate);
    if (typeof ru.partition === 'number') {
      w.write(1, `Partition:\t${ru.partition}\n`);
      if (ru.maxUnavailable !== undefined) w.write(1, `MaxUnavailable:\t${intOrString(ru.maxUnavailable)}\n`);
    }
  }
  w.write(0, `Pods Status:\t${podPhaseCounts(x, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  const vcts = a(spec.volumeClaimTemplates).map(o);
  if (vcts.length === 0) w.write(0, 'Volume Claims:\t<none>\n');
  else {
    w.write(0, 'Volume Claims:\n');
    for (const pvc of vcts) {
      const m = o(pvc.metadata);
      const ps = o(pvc.spec);
      w.write(1, `Name:\t${s(m.name)}\n`);
      w.write(1, `StorageClass:\t${pvcClass(m, ps)}\n`);
      printLabelsMultiline(w, 'Labels', strMap(m.labels), '  ');
      printLabelsMultiline(w, 'Annotations', strMap(m.annotations), '  ');
      const cap = o(o(ps.resources).requests).storage;
      w.write(1, `Capacity:\t${cap !== undefined ? formatQuantity(cap) : '<default>'}\n`);
      w.write(1, `Access Modes:\t${goList(ps.accessModes)}\n`);
    }
  }
  if (showEvents) describeEvents(w, eventsFor(x, rel.events), now);
}

export function describeDaemonSet(w: PrefixWriter, x: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(x.spec);
  const st = o(x.status);
  w.write(0, `Name:\t${x.metadata.name}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(strMap(o(o(spec.template).spec).nodeSelector))}\n`);
  printLabelsMultiline(w, 'Labels', x.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', x.metadata.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${n(st.desiredNumberScheduled)}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${n(st.currentNumberScheduled)}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${n(st.updatedNumberScheduled)}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${n(st.numberAvailable)}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${n(st.numberMisscheduled)}\n`);
  w.write(0, `Pods Status:\t${podPhaseCounts(x, rel.pods)}\n`);
  describePodTemplate(w, o(spec.template));
  if (showEvents) describeEvents(w, eventsFor(x, rel.events), now);
}

// Jobs and CronJobs.
import type { KubeObject } from '../../api/types.js';
import { humanDuration, parseTime } from '../age.js';
import { a, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, n, o, PrefixWriter, printAnnotationsMultiline, printBoolPtr, printController, printLabelsMultiline, s, selectorText } from './helpers.js';
import { describePodTemplate } from './pod.js';

export function describeJob(w: PrefixWriter, job: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(job.spec);
  const st = o(job.status);
  w.write(0, `Name:\t${job.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(job.metadata.namespace)}\n`);
  w.write(0, `Selector:\t${selectorText(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', job.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
  const ctl = printController(job);
  if (ctl) w.write(0, `Controlled By:\t${ctl}\n`);
  if (typeof spec.parallelism === 'number') w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${typeof spec.completions === 'number' ? spec.completions : '<unset>'}\n`);
  if (typeof spec.completionMode === 'string') w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (typeof spec.suspend === 'boolean') w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (typeof spec.backoffLimit === 'number') w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (typeof spec.ttlSecondsAfterFinished === 'number') w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (st.startTime) w.write(0, `Start Time:\t${formatRFC1123Z(st.startTime)}\n`);
  if (st.completionTime) w.write(0, `Completed At:\t${formatRFC1123Z(st.completionTime)}\n`);
  if (st.startTime && st.completionTime)
    w.write(0, `Duration:\t${humanDuration((parseTime(st.completionTime) ?? 0) - (parseTime(st.startTime) ?? 0))}\n`);
  if (typeof spec.activeDeadlineSeconds === 'number') w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  if (typeof st.ready !== 'number')
    w.write(0, `Pods Statuses:\t${n(st.active)} Active / ${n(st.succeeded)} Succeeded / ${n(st.failed)} Failed\n`);
  else w.write(0, `Pods Statuses:\t${n(st.active)} Active (${st.ready} Ready) / ${n(st.succeeded)} Succeeded / ${n(st.failed)} Failed\n`);
  if (spec.completionMode === 'Indexed') {
    const idx = s(st.completedIndexes);
    let shown = idx || '<none>';
    if (idx.length > 50) {
      const cut = idx.indexOf(',', 50);
      if (cut >= 0) shown = `${idx.slice(0, cut + 1)}...`;
    }
    w.write(0, `Completed Indexes:\t${shown}\n`);
  }
  describePodTemplate(w, o(spec.template));
  if (showEvents) describeEvents(w, eventsFor(job, rel.events), now);
}

export function describeCronJob(w: PrefixWriter, cj: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(cj.spec);
  const st = o(cj.status);
  w.write(0, `Name:\t${cj.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(cj.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', cj.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cj.metadata.annotations);
  w.write(0, `Schedule:\t${s(spec.schedule)}\n`);
  w.write(0, `Concurrency Policy:\t${s(spec.concurrencyPolicy)}\n`);
  w.write(0, `Suspend:\t${printBoolPtr(spec.suspend)}\n`);
  const num = (x: unknown, suffix = ''): string => (typeof x === 'number' ? `${x}${suffix}` : '<unset>');
  w.write(0, `Successful Job History Limit:\t${num(spec.successfulJobsHistoryLimit)}\n`);
  w.write(0, `Failed Job History Limit:\t${num(spec.failedJobsHistoryLimit)}\n`);
  w.write(0, `Starting Deadline Seconds:\t${num(spec.startingDeadlineSeconds, 's')}\n`);
  const jt = o(o(spec.jobTemplate).spec);
  w.write(0, `Selector:\t${jt.selector ? selectorText(jt.selector) : '<unset>'}\n`);
  w.write(0, `Parallelism:\t${num(jt.parallelism)}\n`);
  w.write(0, `Completions:\t${num(jt.completions)}\n`);
  if (typeof jt.activeDeadlineSeconds === 'number') w.write(0, `Active Deadline Seconds:\t${jt.activeDeadlineSeconds}s\n`);
  describePodTemplate(w, o(jt.template));
  w.write(0, `Last Schedule Time:\t${st.lastScheduleTime ? formatRFC1123Z(st.lastScheduleTime) : '<unset>'}\n`);
  w.write(0, 'Active Jobs:\t');
  const active = a(st.active).map(o);
  if (active.length === 0) w.writeLine('<none>');
  else {
    w.write(0, active.map((j) => s(j.name)).join(', '));
    w.writeLine('');
  }
  if (showEvents) describeEvents(w, eventsFor(cj, rel.events), now);
}

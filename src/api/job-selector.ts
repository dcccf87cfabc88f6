// upstream pkg/registry/batch/job/strategy.go generateSelector: on create, unless spec.manualSelector is true, a
// Job's pod template gets the labels batch.kubernetes.io/controller-uid, controller-uid (the Job's uid),
// batch.kubernetes.io/job-name and job-name (where not set), and its selector matches the controller-uid label.
// A CronJob's Jobs get theirs the same way when the CronJob controller creates them.
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './meta.js';

type Obj = Record<string, unknown>;
const obj = (o: Obj, k: string): Obj => {
  const v = o[k];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const n: Obj = {};
  o[k] = n;
  return n;
};

/** Mutates a Job being created (metadata.uid and name already set). */
export function generateJobSelector(job: { metadata: { name: string; uid?: string }; spec?: unknown }): void {
  const spec = (job.spec ?? ((job as { spec?: unknown }).spec = {})) as Obj;
  if (spec.manualSelector === true) return;
  const uid = job.metadata.uid ?? '';
  const labels = obj(obj(obj(spec, 'template'), 'metadata'), 'labels') as Record<string, string>;
  for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[k] ??= job.metadata.name;
  for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) labels[k] ??= uid;
  const matchLabels = obj(obj(spec, 'selector'), 'matchLabels') as Record<string, string>;
  matchLabels[CONTROLLER_UID_LABEL] ??= uid;
}

// Jobs and CronJobs (pkg/apis/batch/validation), with robfig/cron's schedule parser.
import type { FieldError } from '../../util/errors.js';
import { FieldPath, invalid, required } from './field.js';
import { obj, str, type Obj } from './json.js';
import { nonNegative, validateLabels } from './meta.js';
import { validateSelectorAndTemplate } from './template.js';

export function validateJobSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    nonNegative(spec[f], p.child(f), errs);
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) errs.push(required(p.child('completions'), 'when completion mode is Indexed'));
  validateSelectorAndTemplate(spec, p, { what: 'job', selectorRequired: false, restartPolicies: ['OnFailure', 'Never'] }, errs);
}

export function validateCronJobSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  const schedule = str(spec.schedule);
  if (schedule === '') errs.push(required(p.child('schedule')));
  else if (schedule !== undefined) {
    if (schedule.includes('TZ')) errs.push(invalid(p.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else {
      const err = cronScheduleError(schedule);
      if (err) errs.push(invalid(p.child('schedule'), schedule, err));
    }
  }
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) nonNegative(spec[f], p.child(f), errs);
  // upstream validateTimeZone (time.LoadLocation's message)
  const tz = spec.timeZone;
  if (typeof tz === 'string') {
    if (tz === '') errs.push(invalid(p.child('timeZone'), tz, 'timeZone must be nil or non-empty string'));
    else if (tz.toLowerCase() === 'local') errs.push(invalid(p.child('timeZone'), tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
    else if (!knownTimeZone(tz)) errs.push(invalid(p.child('timeZone'), tz, `unknown time zone ${tz}`));
  }
  const jt = obj(spec.jobTemplate);
  if (jt) {
    errs.push(...validateLabels(obj(jt.metadata)?.labels, p.child('jobTemplate', 'metadata', 'labels')));
    const js = obj(jt.spec);
    if (js) validateJobSpec(js, p.child('jobTemplate', 'spec'), errs);
  }
}

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cron schedules (github.com/robfig/cron/v3 ParseStandard, as the CronJob validation uses)

const CRON_FIELDS: { min: number; max: number; names?: Record<string, number> }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];
const CRON_DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Returns robfig/cron's parse error for a standard 5-field schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    if (CRON_DESCRIPTORS.has(s)) return undefined;
    if (s.startsWith('@every ')) return /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of fields[i].split(',')) {
      const err = cronRangeError(expr, CRON_FIELDS[i]);
      if (err) return err;
    }
  }
  return undefined;
}

function cronRangeError(expr: string, b: (typeof CRON_FIELDS)[number]): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const parse = (v: string): number | string => {
    const named = b.names?.[v.toLowerCase()];
    if (named !== undefined) return named;
    if (!/^[0-9]+$/.test(v)) return `failed to parse int from ${v}: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`;
    return Number(v);
  };
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const lo = parse(lowAndHigh[0]);
    if (typeof lo === 'string') return lo;
    start = lo;
    end = lo;
    if (lowAndHigh.length === 2) {
      const hi = parse(lowAndHigh[1]);
      if (typeof hi === 'string') return hi;
      end = hi;
    } else if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
  }
  if (rangeAndStep.length === 2) {
    const step = parse(rangeAndStep[1]);
    if (typeof step === 'string') return step;
    if (step <= 0) return `step of range should be a positive number: ${expr}`;
    if (lowAndHigh.length === 1 && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

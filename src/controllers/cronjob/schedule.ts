// CronJob schedules (upstream uses github.com/robfig/cron/v3 ParseStandard with spec.timeZone): standard five
// fields with ranges, steps, lists and names, the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly
// macros (croner computes these), and robfig's `@every <duration>`. As robfig, a time that a DST jump skips is
// not run that day (croner would run it at the next valid time: such runs are dropped by matching them again).
// The only file that imports croner.
import { Cron } from 'croner';

export interface Schedule {
  /** the first activation strictly after t; undefined when there is none (e.g. Feb 31) */
  next(t: Date): Date | undefined;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration for the `@every` form, in ms; undefined when invalid. */
export function parseGoDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === s.length && s.length > 0 ? total : undefined;
}

/** Parses a schedule (in `timeZone`, default UTC); throws an Error with a message on a bad one. */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const s = schedule.trim();
  if (s.startsWith('@every ')) {
    const ms = parseGoDuration(s.slice('@every '.length).trim());
    if (ms === undefined) throw new Error(`failed to parse duration ${s}`);
    // robfig ConstantDelaySchedule: at least a second, whole seconds
    const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
    return { next: (t) => new Date(Math.floor(t.getTime() / 1000) * 1000 + delay) };
  }
  const cron = new Cron(s, { paused: true, mode: '5-part', legacyMode: true, timezone: timeZone ?? 'UTC' });
  return {
    next(t: Date): Date | undefined {
      let from = t;
      for (let i = 0; i < 8; i++) {
        const n = cron.nextRun(from);
        if (!n) return undefined;
        if (cron.match(n)) return n;
        from = n; // shifted by a DST gap: robfig skips it
      }
      return undefined;
    },
  };
}

/** Whether `tz` is an IANA zone this runtime knows (upstream time.LoadLocation). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** RFC 3339 of `d` as seen in `timeZone` (upstream scheduledTime.In(loc).Format(time.RFC3339)); UTC → "Z". */
export function formatInZone(d: Date, timeZone: string | undefined): string {
  const base = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return base;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(d);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  const local = Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), Number(get('hour')), Number(get('minute')), Number(get('second')));
  const offMin = Math.round((local - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  if (offMin === 0) return base;
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${off}`;
}

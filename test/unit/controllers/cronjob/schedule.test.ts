import { describe, expect, it } from 'vitest';
import { formatInZone, parseGoDuration, parseSchedule } from '../../../../src/controllers/cronjob/schedule.js';
import { getJobName, mostRecentScheduleTime, nextScheduleTimeDuration } from '../../../../src/controllers/cronjob/utils.js';

const next = (sched: string, from: string, tz?: string, n = 1): string[] => {
  const s = parseSchedule(sched, tz);
  const out: string[] = [];
  let t: Date | undefined = new Date(from);
  for (let i = 0; i < n && t; i++) {
    t = s.next(t);
    if (t) out.push(t.toISOString().replace('.000Z', 'Z'));
  }
  return out;
};

describe('cron schedules (robfig ParseStandard semantics)', () => {
  it.each([
    ['* * * * *', '2026-01-01T00:00:00Z', ['2026-01-01T00:01:00Z']],
    ['*/15 9-17 * jan-mar mon-fri', '2026-01-03T00:00:00Z', ['2026-01-05T09:00:00Z', '2026-01-05T09:15:00Z']],
    ['0 0 * * 7', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z']],
    // day-of-month and day-of-week both restricted: either matches
    ['0 0 13 * 5', '2026-02-01T00:00:00Z', ['2026-02-06T00:00:00Z', '2026-02-13T00:00:00Z']],
    ['@hourly', '2026-01-01T00:30:00Z', ['2026-01-01T01:00:00Z']],
    ['@daily', '2026-01-01T00:30:00Z', ['2026-01-02T00:00:00Z']],
    ['@midnight', '2026-01-01T00:30:00Z', ['2026-01-02T00:00:00Z']],
    ['@weekly', '2026-01-01T00:30:00Z', ['2026-01-04T00:00:00Z']],
    ['@monthly', '2026-01-01T00:30:00Z', ['2026-02-01T00:00:00Z']],
    ['@yearly', '2026-01-01T00:30:00Z', ['2027-01-01T00:00:00Z']],
    ['@every 90s', '2026-01-01T00:00:00Z', ['2026-01-01T00:01:30Z', '2026-01-01T00:03:00Z']],
    ['0 0 31 2 *', '2026-01-01T00:00:00Z', []],
  ])('%s after %s', (sched, from, want) => {
    expect(next(sched, from, undefined, want.length || 1)).toEqual(want);
  });

  it.each([
    // 09:00 in Tokyo is 00:00 UTC
    ['0 9 * * *', 'Asia/Tokyo', '2026-01-01T01:00:00Z', ['2026-01-02T00:00:00Z']],
    // spring forward in New York: 02:30 does not exist on 8 March, robfig skips that day
    ['30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', ['2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z']],
    // an hourly schedule keeps its pace across the jump
    ['0 * * * *', 'America/New_York', '2026-03-08T06:30:00Z', ['2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z']],
    ['0 12 * * *', 'Europe/Oslo', '2026-06-30T00:00:00Z', ['2026-06-30T10:00:00Z']],
  ])('%s in %s after %s', (sched, tz, from, want) => {
    expect(next(sched, from, tz, want.length)).toEqual(want);
  });

  it.each([
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2.5s', 2500],
    ['x', undefined],
    ['', undefined],
  ])('Go duration %s', (s, want) => {
    expect(parseGoDuration(s)).toBe(want);
  });

  it('formats the scheduled-timestamp annotation in the CronJob time zone', () => {
    const t = new Date('2026-01-02T00:00:00Z');
    expect(formatInZone(t, undefined)).toBe('2026-01-02T00:00:00Z');
    expect(formatInZone(t, 'Asia/Tokyo')).toBe('2026-01-02T09:00:00+09:00');
    expect(formatInZone(t, 'America/New_York')).toBe('2026-01-01T19:00:00-05:00');
  });
});

describe('missed schedules', () => {
  const cj = (created: string, last?: string, sds?: number) => ({
    metadata: { name: 'c', creationTimestamp: created },
    spec: { schedule: '* * * * *', ...(sds !== undefined ? { startingDeadlineSeconds: sds } : {}), jobTemplate: {} },
    status: last ? { lastScheduleTime: last } : {},
  });
  const every = parseSchedule('* * * * *');
  it.each([
    ['before the first schedule', cj('2026-01-01T00:00:10Z'), '2026-01-01T00:00:50Z', undefined, 0],
    ['one due', cj('2026-01-01T00:00:10Z'), '2026-01-01T00:01:05Z', '2026-01-01T00:01:00Z', 1],
    ['three missed: only the last runs', cj('2026-01-01T00:00:10Z'), '2026-01-01T00:03:30Z', '2026-01-01T00:03:00Z', 3],
    ['since the last schedule', cj('2026-01-01T00:00:00Z', '2026-01-01T00:02:00Z'), '2026-01-01T00:02:30Z', undefined, 0],
    ['a day down: 1440 missed', cj('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), '2026-01-02T00:00:30Z', '2026-01-02T00:00:00Z', 1440],
    ['startingDeadlineSeconds bounds the look-back', cj('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 120), '2026-01-02T00:00:30Z', '2026-01-02T00:00:00Z', 2],
  ])('%s', (_n, c, now, want, missed) => {
    const r = mostRecentScheduleTime(c as never, new Date(now), every, true);
    expect(r.mostRecent?.toISOString().replace('.000Z', 'Z')).toBe(want);
    expect(r.missed).toBe(missed);
  });

  it('wakes 100 ms after the next schedule', () => {
    expect(nextScheduleTimeDuration(cj('2026-01-01T00:00:10Z') as never, new Date('2026-01-01T00:00:20Z'), every)).toBe(40_100);
  });

  it('names Jobs by the scheduled minute since the epoch', () => {
    expect(getJobName('hello', new Date('2026-01-01T00:01:00Z'))).toBe(`hello-${Date.parse('2026-01-01T00:01:00Z') / 60_000}`);
  });
});

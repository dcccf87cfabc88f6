import { describe, expect, it } from 'vitest';
import { cronScheduleError } from '../../../../src/api/validation/batch.js';

describe('cron schedules', () => {
  it.each(['*/5 * * * *', '0 0 * * 0', '30 2 * * 1-5', '0 9-17/2 * jan,jul mon-fri', '@hourly', '@every 1h30m', '15 10 ? * *'])(
    '%j parses',
    (s) => {
      expect(cronScheduleError(s)).toBeUndefined();
    },
  );

  it.each([
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@often', 'unrecognized descriptor: @often'],
  ])('%j -> %s', (s, want) => {
    expect(cronScheduleError(s)).toBe(want);
  });
});

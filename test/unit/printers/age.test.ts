import { describe, expect, it } from 'vitest';
import { age, humanDuration, shortHumanDuration, until } from '../../../src/printers/age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

// The cases of apimachinery's duration_test.go (TestHumanDuration and TestHumanDurationBoundaries).
describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each<[number, string]>([
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
    [-2 * S, '<invalid>'],
    [-2 * S + 1, '0s'],
    [0, '0s'],
    [S - 1, '0s'],
    [2 * M - 1, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [10 * M - 1, '9m59s'],
    [10 * M, '10m'],
    [10 * M + S, '10m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - 1, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [2 * D - 1, '47h'],
    [2 * D, '2d'],
    [2 * D + H, '2d1h'],
    [8 * D - 1, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * Y - 1, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 23 * H, '2y'],
    [2 * Y + 23 * H + 59 * M, '2y'],
    [2 * Y + 24 * H - 1, '2y'],
    [2 * Y + 24 * H, '2y1d'],
    [3 * Y, '3y'],
    [4 * Y, '4y'],
    [5 * Y, '5y'],
    [6 * Y, '6y'],
    [7 * Y, '7y'],
    [8 * Y - 1, '7y364d'],
    [8 * Y, '8y'],
    [8 * Y + 364 * D, '8y'],
    [9 * Y, '9y'],
  ])('%i ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('shortHumanDuration (apimachinery ShortHumanDuration)', () => {
  it.each<[number, string]>([
    [-2 * S, '<invalid>'],
    [-2 * S + 1, '0s'],
    [0, '0s'],
    [S - 1, '0s'],
    [S, '1s'],
    [2 * S - 1, '1s'],
    [M - 1, '59s'],
    [M, '1m'],
    [2 * M - 1, '1m'],
    [H - 1, '59m'],
    [H, '1h'],
    [2 * H - 1, '1h'],
    [D - 1, '23h'],
    [D, '1d'],
    [2 * D - 1, '1d'],
    [Y - 1, '364d'],
    [Y, '1y'],
    [2 * Y - 1, '1y'],
    [2 * Y, '2y'],
  ])('%i ms → %s', (ms, want) => expect(shortHumanDuration(ms)).toBe(want));
});

describe('age', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('is <unknown> without a timestamp', () => {
    expect(age(undefined, now)).toBe('<unknown>');
    expect(age(null, now)).toBe('<unknown>');
    expect(age('', now)).toBe('<unknown>');
    expect(age('not a time', now)).toBe('<unknown>');
  });
  it('counts from the timestamp to now', () => {
    expect(age('2026-01-01T11:57:30Z', now)).toBe('2m30s');
    expect(age('2025-12-29T08:00:00Z', now)).toBe('3d4h');
    expect(age(new Date('2026-01-01T06:50:00Z'), now)).toBe('5h10m');
    expect(age('2026-01-01T12:00:05Z', now)).toBe('<invalid>');
  });
  it('until counts forward', () => {
    expect(until('2026-01-01T12:10:00Z', now)).toBe('10m');
    expect(until(undefined, now)).toBe('<unknown>');
  });
});

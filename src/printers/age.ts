// Human-readable durations, as k8s.io/apimachinery/pkg/util/duration prints them (HumanDuration and
// ShortHumanDuration), and the AGE cell kubectl derives from a timestamp.

/** Go's int(d.Seconds()) etc.: truncation toward zero. */
const trunc = (n: number): number => (n < 0 ? Math.ceil(n) : Math.floor(n));

/**
 * apimachinery duration.HumanDuration: ~2-3 significant figures. `0s`, `119s`, `2m`, `2m1s`, `10m`, `179m`, `3h`,
 * `3h1m`, `8h`, `47h`, `2d`, `2d1h`, `8d`, `729d`, `2y`, `2y1d`, `7y364d`, `8y`; `<invalid>` below -1s.
 */
export function humanDuration(ms: number): string {
  const seconds = trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    return dy === 0 ? `${trunc(hours / 24 / 365)}y` : `${trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** apimachinery duration.ShortHumanDuration: one unit only (`59s`, `1m`, `23h`, `364d`, `1y`). */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / 3_600_000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / 3_600_000 / 24 / 365)}y`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp; undefined when missing or unparsable. */
export function parseTime(ts: unknown): number | undefined {
  if (ts instanceof Date) return Number.isNaN(ts.getTime()) ? undefined : ts.getTime();
  if (typeof ts !== 'string' || ts === '') return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** kubectl's translateTimestampSince: `<unknown>` for a missing (zero) timestamp, else HumanDuration(now - ts). */
export function age(timestamp: unknown, now: Date): string {
  const t = parseTime(timestamp);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** kubectl's translateTimestampUntil. */
export function until(timestamp: unknown, now: Date): string {
  const t = parseTime(timestamp);
  if (t === undefined) return '<unknown>';
  return humanDuration(t - now.getTime());
}

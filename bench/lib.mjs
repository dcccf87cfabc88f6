// Tiny benchmark helpers: run a command N times, report the median, compare against a baseline measured in
// the same run (absolute times on a shared 2-core machine mean little; ratios do).
import { spawnSync } from 'node:child_process';

export function timeRun(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Interleaves the runs of several commands so load changes hit all of them alike. */
export function compare(cases, runs) {
  const samples = Object.fromEntries(cases.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) for (const c of cases) samples[c.name].push(c.run());
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

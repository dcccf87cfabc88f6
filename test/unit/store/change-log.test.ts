import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeLog, formatEntry, type ChangeEntry } from '../../../src/store/change-log.js';
import { isTooOld } from '../../../src/store/store.js';

const dirs: string[] = [];
const newLog = async (): Promise<ChangeLog> => {
  const d = mkdtempSync(join(tmpdir(), 'kctl-log-'));
  dirs.push(d);
  const log = new ChangeLog(join(d, 'changes.log'));
  await log.ensure();
  return log;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (rev: number, name = `c${rev}`): ChangeEntry => ({
  rev,
  type: 'ADDED',
  key: `configmaps/default/${name}`,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', resourceVersion: String(rev) }, data: { note: 'a\nb "quoted" ✓' } },
});

describe('ChangeLog', () => {
  it('writes one JSON line per change, rev first', async () => {
    const log = await newLog();
    await log.append(formatEntry(entry(1)));
    await log.append(formatEntry({ rev: 2, type: 'DELETED', key: 'secrets/default/s', data: 'AAEC' }));
    const text = readFileSync(log.path, 'utf8');
    expect(text.split('\n')).toEqual([
      '{"rev":1,"type":"ADDED","key":"configmaps/default/c1","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","namespace":"default","resourceVersion":"1"},"data":{"note":"a\\nb \\"quoted\\" ✓"}}}',
      '{"rev":2,"type":"DELETED","key":"secrets/default/s","data":"AAEC"}',
      '',
    ]);
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect((await log.readAll()).entries.map((e) => e.rev)).toEqual([1, 2]);
  });

  it('ignores a torn last line; truncating it lets the next append start on a fresh line', async () => {
    const log = await newLog();
    for (let r = 1; r <= 3; r++) await log.append(formatEntry(entry(r)));
    const whole = statSync(log.path).size;
    appendFileSync(log.path, formatEntry(entry(4)).slice(0, 40)); // a writer killed mid-append
    const tail = await log.tail();
    expect(tail).toEqual({ size: whole + 40, end: whole, lastRev: 3 });
    const r1 = await log.readSince({ ino: -1, offset: 0, last: 0 });
    expect(r1.entries.map((e) => e.rev)).toEqual([1, 2, 3]);
    expect(r1.cursor.offset).toBe(whole);
    await log.truncate(tail.end);
    await log.append(formatEntry(entry(4)));
    const r2 = await log.readSince(r1.cursor);
    expect(r2.entries.map((e) => e.rev)).toEqual([4]);
    expect(readFileSync(log.path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).rev)).toEqual([1, 2, 3, 4]);
  });

  it('tail finds the last revision when the last line is longer than its first read', async () => {
    const log = await newLog();
    await log.append(formatEntry(entry(1)));
    const big = entry(2);
    (big.object as { data: Record<string, string> }).data = { blob: 'x'.repeat(100_000) };
    await log.append(formatEntry(big));
    expect((await log.tail()).lastRev).toBe(2);
  });

  it('reads only new bytes from a cursor', async () => {
    const log = await newLog();
    await log.append(formatEntry(entry(1)));
    const a = await log.readSince({ ino: -1, offset: 0, last: 0 });
    await log.append(formatEntry(entry(2)));
    await log.append(formatEntry(entry(3)));
    const b = await log.readSince(a.cursor);
    expect(b.entries.map((e) => e.rev)).toEqual([2, 3]);
    expect((await log.readSince(b.cursor)).entries).toEqual([]);
    // a start revision skips older entries
    expect((await log.readSince({ ino: -1, offset: 0, last: 2 })).entries.map((e) => e.rev)).toEqual([3]);
  });

  it('compaction keeps the last entries behind a header; an old cursor gets TooOld, a recent one continues', async () => {
    const log = await newLog();
    for (let r = 1; r <= 10; r++) await log.append(formatEntry(entry(r)));
    const fresh = await log.readSince({ ino: -1, offset: 0, last: 0 });
    await log.compact(4, Infinity);
    const lines = readFileSync(log.path, 'utf8').split('\n').filter(Boolean);
    expect(lines[0]).toBe('{"compactRev":6}');
    expect(lines.slice(1).map((l) => JSON.parse(l).rev)).toEqual([7, 8, 9, 10]);
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    // a reader that had seen everything continues on the new file without repeats
    await log.append(formatEntry(entry(11)));
    expect((await log.readSince(fresh.cursor)).entries.map((e) => e.rev)).toEqual([11]);
    // one that had only seen up to 3 lost revisions 4..6
    const e = await log.readSince({ ...fresh.cursor, last: 3 }).catch((x: unknown) => x);
    expect(isTooOld(e)).toBe(true);
    expect((e as Error).message).toBe('too old resource version: 3 (6)');
    expect((await log.tail()).lastRev).toBe(11);
  });

  it('compaction keeps at least one entry, fewer when they exceed the byte budget', async () => {
    const log = await newLog();
    for (let r = 1; r <= 5; r++) await log.append(formatEntry(entry(r)));
    await log.compact(1000, 1);
    const lines = readFileSync(log.path, 'utf8').split('\n').filter(Boolean);
    expect(lines).toEqual(['{"compactRev":4}', formatEntry(entry(5)).trimEnd()]);
  });
});

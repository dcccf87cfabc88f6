// The store's append-only change log (`<root>/changes.log`), one JSON object per line:
//   {"rev":12,"type":"MODIFIED","key":"deployments/default/web","object":{...}}
//   {"rev":13,"type":"ADDED","key":"secrets/default/s","data":"<base64 of codec output>"}   (when a codec is set)
// After a compaction the first line is a header naming the newest revision no longer in the log:
//   {"compactRev":4000}
// Writers append under the store lock (append + fsync) before touching the object file, so the log is also
// the write-ahead record recovery replays. A line without its trailing newline is a torn append (the writer
// was killed): readers ignore it, and the next writer truncates it before appending.
import { open, type FileHandle } from 'node:fs/promises';
import { TooOldError, type WatchEventType } from './store.js';
import { writeFileAtomic } from './atomic-file.js';

export const CHANGE_LOG = 'changes.log';

export interface ChangeEntry {
  rev: number;
  type: WatchEventType;
  /** objectKey(): `<plural>/<namespace>/<name>` or `<plural>/<name>` */
  key: string;
  /** the object after the change (DELETED: its last state), when stored as plain JSON */
  object?: unknown;
  /** base64 of the codec's encoding of the object JSON, when the store has a codec */
  data?: string;
}

/** Where a reader is in the log: the file it read (inode), how far, and the last revision it passed. */
export interface LogCursor {
  ino: number;
  offset: number;
  last: number;
}

const NL = 0x0a;
const REV_PREFIX = /^\{"rev":(\d+),/;

type Parsed = { kind: 'entry'; entry: ChangeEntry } | { kind: 'header'; compactRev: number } | { kind: 'bad' };

function parseLine(line: string): Parsed {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    if (typeof v.rev === 'number' && typeof v.key === 'string' && typeof v.type === 'string')
      return { kind: 'entry', entry: v as unknown as ChangeEntry };
    if (typeof v.compactRev === 'number') return { kind: 'header', compactRev: v.compactRev };
  } catch {
    // an unreadable line is skipped (a torn one never gets here: it has no newline)
  }
  return { kind: 'bad' };
}

export function formatEntry(e: ChangeEntry): string {
  // rev first: readers skip old lines by this prefix without parsing the object
  const { rev, type, key, object, data } = e;
  return `${JSON.stringify(data !== undefined ? { rev, type, key, data } : { rev, type, key, object })}\n`;
}

async function openIfExists(path: string, flags: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export class ChangeLog {
  constructor(readonly path: string) {}

  /** Creates the log (mode 0600: it holds every object, secrets included) when missing. */
  async ensure(): Promise<void> {
    const fh = await open(this.path, 'a', 0o600);
    await fh.close();
  }

  /**
   * The last revision in the log and where its complete lines end (`end < size` means a torn tail).
   * Reads backwards from the end: cheap whatever the log's size.
   */
  async tail(): Promise<{ size: number; end: number; lastRev: number }> {
    const fh = await openIfExists(this.path, 'r');
    if (!fh) return { size: 0, end: 0, lastRev: 0 };
    try {
      const size = (await fh.stat()).size;
      let end = -1;
      for (let chunk = 4096; ; chunk *= 4) {
        const start = Math.max(0, size - chunk);
        const buf = Buffer.alloc(size - start);
        await fh.read(buf, 0, buf.length, start);
        let lineEnd = buf.lastIndexOf(NL);
        if (lineEnd < 0) {
          if (start === 0) return { size, end: 0, lastRev: 0 };
          continue;
        }
        if (end < 0) end = start + lineEnd + 1;
        // walk complete lines backwards until one parses
        for (;;) {
          const prev = lineEnd > 0 ? buf.lastIndexOf(NL, lineEnd - 1) : -1;
          if (prev < 0 && start > 0) break; // the line may begin before this chunk: read more
          const p = parseLine(buf.subarray(prev + 1, lineEnd).toString('utf8'));
          if (p.kind === 'entry') return { size, end, lastRev: p.entry.rev };
          if (p.kind === 'header') return { size, end, lastRev: p.compactRev };
          if (prev < 0) return { size, end, lastRev: 0 };
          lineEnd = prev;
        }
      }
    } finally {
      await fh.close();
    }
  }

  /** Cuts a torn tail off (under the lock), so the next append starts on a fresh line. */
  async truncate(end: number): Promise<void> {
    const fh = await open(this.path, 'r+');
    try {
      await fh.truncate(end);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Appends one line durably (under the lock). Returns the log's new size. */
  async append(line: string): Promise<number> {
    const fh = await open(this.path, 'a', 0o600);
    try {
      await fh.write(line);
      await fh.sync();
      return (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  }

  /** Every complete entry, and the compaction header's revision (0 when never compacted). */
  async readAll(): Promise<{ compactRev: number; entries: ChangeEntry[] }> {
    const r = await this.readSince({ ino: -1, offset: 0, last: -1 });
    return { compactRev: r.compactRev, entries: r.entries };
  }

  /**
   * Rewrites the log (under the lock) keeping the last `keep` entries, fewer when they exceed maxBytes (never
   * fewer than one), behind a header with the newest revision dropped. Readers notice the new inode.
   */
  async compact(keep: number, maxBytes: number): Promise<void> {
    const { compactRev, entries } = await this.readAll();
    let kept = entries.slice(-Math.max(1, keep));
    let lines = kept.map(formatEntry);
    let bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    while (kept.length > 1 && bytes > maxBytes) {
      bytes -= Buffer.byteLength(lines[0]!);
      kept = kept.slice(1);
      lines = lines.slice(1);
    }
    const header = Math.max(compactRev, (kept[0]?.rev ?? compactRev + 1) - 1);
    await writeFileAtomic(this.path, `${JSON.stringify({ compactRev: header })}\n${lines.join('')}`, 0o600);
  }

  /**
   * The complete entries after cursor.last that were appended since the cursor (only the new bytes are read;
   * a replaced file, after a compaction, is read from its start). Throws TooOldError when the log no longer
   * holds every revision after cursor.last.
   */
  async readSince(cursor: LogCursor): Promise<{ entries: ChangeEntry[]; cursor: LogCursor; compactRev: number }> {
    const fh = await openIfExists(this.path, 'r');
    if (!fh) return { entries: [], cursor, compactRev: 0 };
    try {
      const st = await fh.stat();
      let offset = st.ino === cursor.ino && st.size >= cursor.offset ? cursor.offset : 0;
      let last = cursor.last;
      let compactRev = 0;
      const entries: ChangeEntry[] = [];
      if (st.size > offset) {
        const buf = Buffer.alloc(st.size - offset);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        const complete = buf.lastIndexOf(NL, bytesRead - 1) + 1;
        const text = buf.subarray(0, complete).toString('utf8');
        for (const line of text.split('\n')) {
          if (!line) continue;
          const m = REV_PREFIX.exec(line);
          if (m && Number(m[1]) <= last) continue;
          const p = parseLine(line);
          if (p.kind === 'header') {
            compactRev = p.compactRev;
            if (last >= 0 && last < p.compactRev) throw new TooOldError(last, p.compactRev);
          } else if (p.kind === 'entry' && p.entry.rev > last) {
            entries.push(p.entry);
            last = p.entry.rev;
          }
        }
        offset += complete;
      }
      return { entries, cursor: { ino: st.ino, offset, last }, compactRev };
    } finally {
      await fh.close();
    }
  }
}

// The file-system port kustomize reads through, and one Loader per kustomization root: resolves paths
// against the root, enforces the load restrictor (root-only: files must be in or below the root, as
// `kubectl kustomize` defaults to) and refuses directory cycles. Messages are kustomize's.
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { readFileSync, realpathSync, statSync } from 'node:fs';

/** What kustomize needs of a file system. Paths are absolute. */
export interface KustomizeFs {
  /** bytes of a file; throws an Error with code ENOENT/EISDIR/... as node:fs does */
  readFile(abs: string): Buffer;
  /** 'file' | 'dir' | undefined (absent) */
  kind(abs: string): 'file' | 'dir' | undefined;
  /** symlinks resolved; throws when absent */
  realpath(abs: string): string;
}

export const nodeFs: KustomizeFs = {
  readFile: (abs) => readFileSync(abs),
  kind: (abs) => {
    try {
      const st = statSync(abs);
      return st.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  realpath: (abs) => realpathSync(abs),
};

/** A refusal or failure, worded as kustomize words it. */
export class KustomizeError extends Error {
  /** "file:line:col" when the problem sits at a known place in a file */
  source?: string;
  constructor(message: string, source?: string) {
    super(message);
    this.name = 'KustomizeError';
    if (source) this.source = source;
  }
}

/** Wraps an error's message with a prefix, as kustomize's errors.WrapPrefixf does (`prefix: message`). */
export function wrap(e: unknown, prefix: string): KustomizeError {
  const inner = e instanceof Error ? e : new Error(String(e));
  const out = new KustomizeError(`${prefix}: ${inner.message}`, (inner as KustomizeError).source);
  return out;
}

/** Files larger than this are refused (a kustomization reads many; none is legitimately this big). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export class Loader {
  constructor(
    readonly fs: KustomizeFs,
    /** absolute, symlinks resolved */
    readonly root: string,
    /** roots of the kustomizations that led here (for cycle detection), outermost first */
    readonly visited: readonly string[],
    /** false: --load-restrictor LoadRestrictionsNone (files may come from anywhere) */
    readonly rootOnly = true,
  ) {}

  static top(fs: KustomizeFs, dir: string, rootOnly = true): Loader {
    const abs = resolve(dir);
    let real: string;
    try {
      real = fs.realpath(abs);
    } catch {
      throw new KustomizeError(`must build at directory: not a valid directory: evalsymlink failure on '${dir}' : lstat ${abs}: no such file or directory`);
    }
    if (fs.kind(real) !== 'dir') throw new KustomizeError(`must build at directory: '${real}': file is not directory`);
    return new Loader(fs, real, [], rootOnly);
  }

  /** `rel` resolved against the root, symlinks resolved; kustomize's message when it does not exist. */
  evalSymlinks(rel: string): string {
    const abs = isAbsolute(rel) ? rel : join(this.root, rel);
    try {
      return this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(`evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
    }
  }

  private within(abs: string): boolean {
    return abs === this.root || abs.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  /** The path of a file in or below the root (root-only restrictor). */
  filePath(rel: string): string {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rel) || rel.startsWith('git@')) {
      throw new KustomizeError(`remote resources are not supported by kctl: '${rel}' (download it and refer to the local copy)`);
    }
    const real = this.evalSymlinks(rel);
    if (this.rootOnly && !this.within(real)) throw new KustomizeError(`security; file '${real}' is not in or below '${this.root}'`);
    return real;
  }

  loadBytes(rel: string): Buffer {
    const abs = this.filePath(rel);
    if (this.fs.kind(abs) === 'dir') throw new KustomizeError(`read ${abs}: is a directory`);
    const b = this.fs.readFile(abs);
    if (b.length > MAX_FILE_BYTES) throw new KustomizeError(`file '${abs}' is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    return b;
  }

  loadText(rel: string): string {
    return this.loadBytes(rel).toString('utf8');
  }

  /** A loader for a base / component directory; refuses a directory that contains one already being built. */
  child(rel: string): Loader {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rel) || rel.startsWith('git@') || rel.startsWith('github.com/')) {
      throw new KustomizeError(`remote resources are not supported by kctl: '${rel}' (download it and refer to the local copy)`);
    }
    const abs = isAbsolute(rel) ? rel : join(this.root, rel);
    let real: string;
    try {
      real = this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(`must build at directory: not a valid directory: evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
    }
    if (this.fs.kind(real) !== 'dir') throw new KustomizeError(`must build at directory: '${real}': file is not directory`);
    for (const v of [...this.visited, this.root]) {
      if (v === real || v.startsWith(real.endsWith(sep) ? real : real + sep)) {
        throw new KustomizeError(`cycle detected: candidate root '${real}' contains visited root '${v}'`);
      }
    }
    return new Loader(this.fs, real, [...this.visited, this.root], this.rootOnly);
  }

  /** For messages: the absolute path of `rel`. */
  abs(rel: string): string {
    return isAbsolute(rel) ? rel : join(this.root, rel);
  }

  get parentDir(): string {
    return dirname(this.root);
  }
}

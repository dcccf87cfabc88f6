// Child processes in the store tests run plain JavaScript: they import FileStore from dist/ (fresh after
// `npm run build`, which `npm test` runs first) or, when dist/ is missing or older than the sources, from a
// private emit-only compile under node_modules/.cache (so `npx vitest run test/unit/store` works alone).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_DIRS = ['src/store', 'src/api', 'src/util'];

function sources(): string[] {
  return SOURCE_DIRS.flatMap((d) =>
    readdirSync(join(repo, d))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(repo, d, f)),
  );
}

/** URL of a built file-store.js that matches the current sources. */
export function fileStoreModuleUrl(): string {
  const srcs = sources();
  const newest = Math.max(...srcs.map((f) => statSync(f).mtimeMs));
  const dist = join(repo, 'dist', 'store', 'file-store.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest) return pathToFileURL(dist).href;

  const hash = createHash('sha256');
  for (const f of srcs.sort()) hash.update(`${f}:${statSync(f).mtimeMs}:${statSync(f).size}\n`);
  const cache = join(repo, 'node_modules', '.cache', 'kctl-store-test');
  const out = join(cache, hash.digest('hex').slice(0, 16));
  const entry = join(out, 'store', 'file-store.js');
  if (existsSync(entry)) return pathToFileURL(entry).href;
  const tmp = `${out}.${process.pid}.tmp`;
  mkdirSync(cache, { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/typescript/bin/tsc'),
      ...['--outDir', tmp, '--rootDir', join(repo, 'src'), '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
      ...['--target', 'ES2022', '--types', 'node', '--skipLibCheck', '--noCheck', '--esModuleInterop'],
      join(repo, 'src/store/file-store.ts'),
    ],
    { cwd: repo, stdio: 'pipe' },
  );
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another test file compiled the same sources first
  }
  // drop builds of older sources (kept a while: a test file still running may be using one)
  for (const d of readdirSync(cache))
    if (join(cache, d) !== out && statSync(join(cache, d)).mtimeMs < Date.now() - 10 * 60_000)
      rmSync(join(cache, d), { recursive: true, force: true });
  return pathToFileURL(entry).href;
}

// The layering rules of docs/ARCHITECTURE.md, checked on the import statements of src/**/*.ts: static imports and
// `export … from` (type-only ones included) and lazy `import()`. The layer rules hold for both; the cycle rule
// for the static graph (a lazy import() is how a verb table loads its verbs, and is no load-order cycle).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  from: string;
  to: string;
  lazy: boolean;
}

/** every import edge between source files, as src-relative paths */
function importEdges(): { files: string[]; edges: Edge[] } {
  const files: string[] = [];
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    const from = relative(SRC, file);
    files.push(from);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('.')) edges.push({ from, to: relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))), lazy: m[1] === undefined });
    }
  }
  return { files, edges };
}

/** Every import cycle, each as the path that closes it (Tarjan's strongly connected components, size > 1 or a self-import). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture: imports flow downward', () => {
  const { files, edges } = importEdges();
  const graph = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (!e.lazy) graph.get(e.from)!.push(e.to);

  it('reads the whole source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(files.length);
    expect(edges.some((e) => e.lazy)).toBe(true);
  });

  it('scheduler/, kubelet/ and proxy/ stand on reconcile/, never on controllers/', () => {
    const bad = edges.filter((e) => /^(scheduler|kubelet|proxy)\//.test(e.from) && e.to.startsWith('controllers/'));
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('reconcile/ imports no loop (controllers, scheduler, kubelet, proxy, cluster, cli)', () => {
    const bad = edges.filter((e) => e.from.startsWith('reconcile/') && /^(controllers|scheduler|kubelet|proxy|cluster|cli)\//.test(e.to));
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('nothing outside cli/ imports cli/', () => {
    const bad = edges.filter((e) => !e.from.startsWith('cli/') && e.to.startsWith('cli/'));
    expect(bad.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('has no import cycle among the source files (static imports)', () => {
    expect(cycles(graph).map((c) => c.join(' ↔ '))).toEqual([]);
  });
});

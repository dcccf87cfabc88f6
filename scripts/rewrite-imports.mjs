// Rewrites relative import/export specifiers after modules moved (git mv first, then run this).
// Usage: node scripts/rewrite-imports.mjs [--just-moved] MAP.json [ROOT]   (ROOT defaults to .; walks src/, test/,
// bench/). Re-running it later (e.g. on a branch rebased past the move) rewrites what still imports the old paths.
// MAP: { "src/old/path.ts": { "*": "src/new/path.ts", "SomeName": "src/other/home.ts" } }: every name imported
// from the old module goes to its own new home, or to "*". Files that moved have their own imports re-resolved.
import fs from 'node:fs';
import path from 'node:path';
const args = process.argv.slice(2);
// --just-moved: the map's old files were git-mv'ed just now; re-resolve the moved files' own relative imports
const justMoved = args.includes('--just-moved');
const [mapFile, root = '.'] = args.filter((a) => a !== '--just-moved');
const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
const abs = (p) => path.resolve(root, p);
const moved = new Map(Object.entries(map).map(([k, v]) => [abs(k), Object.fromEntries(Object.entries(v).map(([n, t]) => [n, abs(t)]))]));
function walk(d, out = []) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|mts|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}
function spec(fromFile, targetTs) {
  let r = path.relative(path.dirname(fromFile), targetTs).replace(/\.ts$/, '.js');
  if (!r.startsWith('.')) r = './' + r;
  return r;
}
// where a file lives after the move (files that moved themselves get their relative imports re-resolved)
const renamed = new Map();
if (justMoved) for (const [oldP, m] of moved) if (m['*'] && fs.existsSync(oldP) === false && fs.existsSync(m['*'])) renamed.set(m['*'], oldP);
const re = /(import|export)(\s+type)?\s+(\{[^}]*\}|\*\s+as\s+\w+|\w+(?:\s*,\s*\{[^}]*\})?)\s+from\s+'([^']+)';/g;
let changed = 0;
for (const file of walk(abs('src')).concat(walk(abs('test')), fs.existsSync(abs('bench')) ? walk(abs('bench')) : [])) {
  const src = fs.readFileSync(file, 'utf8');
  const origDir = path.dirname(renamed.get(file) ?? file);
  const out = src.replace(re, (all, kw, typeKw, clause, s) => {
    if (!s.startsWith('.')) return all;
    let target = path.resolve(origDir, s).replace(/\.js$/, '.ts');
    const m = moved.get(target);
    if (!m) {
      if (origDir === path.dirname(file)) return all;
      return `${kw}${typeKw ?? ''} ${clause} from '${spec(file, target)}';`;
    }
    if (!clause.startsWith('{')) {
      if (!m['*']) throw new Error(`${file}: cannot split ${all}`);
      return `${kw}${typeKw ?? ''} ${clause} from '${spec(file, m['*'])}';`;
    }
    const names = clause.slice(1, -1).split(',').map((x) => x.trim()).filter(Boolean);
    const groups = new Map();
    for (const n of names) {
      const base = n.replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim();
      const t = m[base] ?? m['*'];
      if (!t) throw new Error(`${file}: no new home for ${base}`);
      if (!groups.has(t)) groups.set(t, []);
      groups.get(t).push(n);
    }
    return [...groups].map(([t, ns]) => (!typeKw && ns.every((n) => n.startsWith('type ')) ? `${kw} type { ${ns.map((n) => n.slice(5)).join(', ')} } from '${spec(file, t)}';` : `${kw}${typeKw ?? ''} { ${ns.join(', ')} } from '${spec(file, t)}';`)).join('\n');
  });
  if (out !== src) { fs.writeFileSync(file, out); changed++; console.log('rewrote', path.relative(root, file)); }
}
console.log(changed, 'files');

// Build: TypeScript -> dist/, then JSON schemas -> standalone ajv validators (dist/validators/), so the CLI
// never compiles a schema at run time.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});
const compileSchemas = join(root, 'scripts/compile-schemas.mjs');
if (existsSync(compileSchemas)) execFileSync(process.execPath, [compileSchemas], { stdio: 'inherit', cwd: root });

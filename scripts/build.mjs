// Build: TypeScript -> dist/ (tsc: type-checks src, and is what tests and child processes import), then an
// esbuild bundle of the CLI -> dist/bundle/ (code-split per verb: start-up reads a handful of files instead of
// ~40 modules), then JSON schemas -> standalone ajv validators (dist/validators/), so the CLI never compiles a
// schema at run time. dist/bundle sits at the same depth as dist/<dir>/, so import.meta.url-relative paths
// (../validators, ../../schemas, ../../bin) resolve the same from both.
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

const esbuild = await import('esbuild');
// commander requires node:child_process at load for executable subcommands, which kctl never uses; loading it
// costs ~4 ms of every start-up. Serve commander a proxy that loads it on first use instead.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/commander/`) ? { path: 'lazy-child-process', namespace: 'kctl-shim' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'kctl-shim' }, () => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });`,
      loader: 'js',
    }));
  },
};
await esbuild.build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  outdir: join(root, 'dist/bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // native or heavy optional packages stay as runtime imports, loaded only by the verbs that need them
  external: ['dockerode', 'tar-stream', 'ssh2', 'cpu-features', 'esbuild', 'ajv', 'ajv/*'],
  banner: { js: "import { createRequire as __kctlCreateRequire } from 'node:module'; const require = __kctlCreateRequire(import.meta.url);" },
  plugins: [lazyChildProcess],
  logLevel: 'warning',
  sourcemap: false,
});

// The in-cluster Service gateway: one self-contained file that the host's node runs inside a container
// (src/proxy/in-cluster/gateway-main.ts), so it may import nothing from dist/ or node_modules.
await esbuild.build({
  entryPoints: [join(root, 'dist/proxy/in-cluster/gateway-main.js')],
  outfile: join(root, 'dist/gateway/gateway.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});

const compileSchemas = join(root, 'scripts/compile-schemas.mjs');
if (existsSync(compileSchemas)) execFileSync(process.execPath, [compileSchemas], { stdio: 'inherit', cwd: root });
// OpenAPI v3 documents per group-version (dist/openapi/) for the API server, from the vendored upstream spec
execFileSync(process.execPath, [join(root, 'scripts/gen-openapi.mjs')], { stdio: 'inherit', cwd: root });

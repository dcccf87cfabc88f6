#!/usr/bin/env node
// Thin launcher: everything lives in dist/; this file only sets the exit code. Prefers the esbuild bundle
// (one file per verb: faster start-up), falling back to the plain tsc output.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  // stdin is opened only by the verbs that read it (-f -, exec -i): touching it costs start-up time
  get in() {
    return process.stdin;
  },
  env: process.env,
  onInterrupt(fn) {
    process.once('SIGINT', fn);
    return () => process.off('SIGINT', fn);
  },
});

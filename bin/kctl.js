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

// The controller has stopped its loops; what may still hold the event loop is a container stop the engine
// is waiting out (grace period). The engine finishes it alone and the next controller adopts the rest.
if (process.argv[2] === 'controller') setTimeout(() => process.exit(), 1_000).unref();

#!/usr/bin/env node
// Thin launcher: everything lives in dist/cli/main.js; this file only sets the exit code.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  in: process.stdin,
  env: process.env,
});

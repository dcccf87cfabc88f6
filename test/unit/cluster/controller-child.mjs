// Runs `kctl controller ...` from the built dist/ in its own process, as bin/kctl.js does once src/cli/main.ts lists
// the `controller` verb in COMMANDS (until then `node bin/kctl.js controller` is an unknown command). The context is
// main.ts's makeContext reduced to what the controller verb uses, with the in-memory FakeRuntime injected as
// CliDeps.runtime would (this launcher is the test-only entry: production code has no fake switch).
import { Command } from 'commander';

const dist = new URL('../../../dist/', import.meta.url);
const { register } = await import(new URL('cli/commands/controller.js', dist).href);
const { formatError, exitCodeOf } = await import(new URL('cli/errors.js', dist).href);
const { SystemClock } = await import(new URL('util/clock.js', dist).href);
const { FileStore } = await import(new URL('store/file-store.js', dist).href);
const { FakeRuntime } = await import(new URL('runtime/fake/fake-runtime.js', dist).href);

const home = process.env.KCTL_HOME;
let store;
const clock = new SystemClock();
const ctx = {
  io: { out: process.stdout, err: process.stderr, env: process.env },
  clock,
  injectedRuntime: new FakeRuntime({ clock }),
  home,
  color: false,
  verbosity: Number(process.env.KCTL_TEST_VERBOSITY ?? 0),
  store: () => (store ??= FileStore.open(home)),
  namespace: () => 'default',
  namespaceExplicit: () => false,
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  warn: (s) => void process.stderr.write(`Warning: ${s}\n`),
};
const program = new Command('kctl').exitOverride();
register(program, ctx);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  // as main.ts: help is not an error
  if (e?.code === 'commander.helpDisplayed' || e?.code === 'commander.help') process.exit(0);
  process.stderr.write(formatError(e));
  process.exitCode = exitCodeOf(e);
}

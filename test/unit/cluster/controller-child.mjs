// Runs `kctl controller ...` from the built dist/ in its own process, as bin/kctl.js does once src/cli/main.ts lists
// the `controller` verb in COMMANDS (until then `node bin/kctl.js controller` is an unknown command). The context is
// main.ts's makeContext reduced to what the controller verb uses.
import { Command } from 'commander';

const dist = new URL('../../../dist/', import.meta.url);
const { register } = await import(new URL('cli/commands/controller.js', dist).href);
const { formatError, exitCodeOf } = await import(new URL('cli/errors.js', dist).href);
const { SystemClock } = await import(new URL('util/clock.js', dist).href);
const { FileStore } = await import(new URL('store/file-store.js', dist).href);

const home = process.env.KCTL_HOME;
let store;
const ctx = {
  io: { out: process.stdout, err: process.stderr, env: process.env },
  clock: new SystemClock(),
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

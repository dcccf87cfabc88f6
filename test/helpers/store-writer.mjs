// A child process that writes to a FileStore, for the crash and concurrency tests.
//   node store-writer.mjs <file-store module url> <home> crash
//       writes forever (creates, updates, status updates, deletes; ConfigMaps and Secrets in two namespaces)
//   node store-writer.mjs <url> <home> create <name>
//       creates ConfigMap <name> in default
//   node store-writer.mjs <url> <home> increment <times>
//       read-modify-write of ConfigMap "counter" (data.count + 1) <times> times, retrying on Conflict
// Prints "ready" once the store is open; the create/increment modes then wait for a line on stdin ("go") so
// all children start together, and print one JSON line with their result.
const [url, home, mode, arg] = process.argv.slice(2);
const { FileStore } = await import(url);

const store = await FileStore.open(home, {
  lock: { staleMs: 2000 },
  log: { compactAtBytes: 32 * 1024, keepEntries: 40 },
});
process.stdout.write('ready\n');

const isCode = (e, code) => e && e.code === code;
const go = () =>
  new Promise((resolve) => {
    process.stdin.once('data', resolve);
  });

if (mode === 'crash') {
  const names = Array.from({ length: 12 }, (_, i) => `obj-${i}`);
  const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
  for (let n = 0; ; n++) {
    const name = pick(names);
    const namespace = pick(['default', 'team']);
    const kind = n % 5 === 0 ? 'Secret' : 'ConfigMap';
    const resource = kind === 'Secret' ? 'secrets' : 'configmaps';
    const ref = { resource, namespace, name };
    try {
      if (namespace === 'team' && !(await store.tryGet({ resource: 'namespaces', name: 'team' })))
        await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
      const cur = await store.tryGet(ref);
      const op = Math.random();
      if (!cur) {
        await store.create({
          apiVersion: 'v1',
          kind,
          metadata: { name, namespace, ...(op < 0.3 ? { finalizers: ['kctl.io/test'] } : {}) },
          data: { n: Buffer.from(String(n)).toString('base64'), pad: 'x'.repeat(Math.floor(Math.random() * 2000)) },
        });
      } else if (op < 0.5) {
        await store.update({ ...cur, data: { ...cur.data, n: Buffer.from(String(n)).toString('base64') } });
      } else if (op < 0.75) {
        await store.delete(ref);
      } else if (cur.metadata.deletionTimestamp) {
        await store.update({ ...cur, metadata: { ...cur.metadata, finalizers: [] } });
      } else {
        await store.update({ ...cur, metadata: { ...cur.metadata, labels: { n: String(n) } } });
      }
    } catch (e) {
      if (!isCode(e, 'Conflict') && !isCode(e, 'NotFound') && !isCode(e, 'AlreadyExists')) throw e;
    }
  }
} else if (mode === 'create') {
  await go();
  const o = await store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: arg }, data: { by: String(process.pid) } });
  process.stdout.write(`${JSON.stringify({ name: arg, resourceVersion: o.metadata.resourceVersion })}\n`);
} else if (mode === 'increment') {
  await go();
  let updates = 0;
  let conflicts = 0;
  const ref = { resource: 'configmaps', namespace: 'default', name: 'counter' };
  while (updates < Number(arg)) {
    const cur = await store.get(ref);
    try {
      await store.update({ ...cur, data: { count: String(Number(cur.data.count) + 1) } });
      updates++;
    } catch (e) {
      if (!isCode(e, 'Conflict')) throw e;
      conflicts++;
    }
  }
  process.stdout.write(`${JSON.stringify({ updates, conflicts })}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
process.exit(0);

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests, MANIFEST_LIMITS, type LoadResult } from '../../../src/manifest/loader.js';
import { ManifestError } from '../../../src/util/errors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/manifests');
const rendered = (r: LoadResult): string[] => r.errors.map((e) => (e.source ? `${e.source}: ${e.message}` : e.message));
const names = (r: LoadResult): string[] => r.objects.map((o) => `${o.object.kind}/${o.object.metadata?.name}`);
const sources = (r: LoadResult): string[] => r.objects.map((o) => o.source);
const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

let tmp: string;

async function write(rel: string, content: string | Buffer): Promise<void> {
  const p = join(tmp, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, content);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kctl-manifest-'));
  // a directory the way kubectl sees it: only *.yaml|*.yml|*.json, sorted by name, subdirectories with -R
  await write('app/b-service.yml', cm('b'));
  await write('app/a-deploy.yaml', `${cm('a1')}---\n${cm('a2')}`);
  await write('app/c.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
  await write('app/notes.txt', 'not a manifest');
  await write('app/README.md', '# not a manifest');
  await write('app/UPPER.YAML', cm('upper-case-extension-is-not-read'));
  await write('app/m/nested.yaml', cm('nested'));
  await write('app/m/deeper/deepest.yaml', cm('deepest'));
  await write('app/z-last.yaml', cm('z'));
  await write('empty-dir/.keep', '');
  await write('single.txt', cm('explicit-file-any-extension'));
  await write('bad/1-ok.yaml', cm('ok'));
  await write('bad/2-binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  await write('bad/3-dup.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  name: web2\n');
  await write('bad/4-latin1.yaml', Buffer.concat([Buffer.from(cm('x')), Buffer.from('data:\n  k: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  await write('bad/5-ok.yaml', cm('still-read'));
  await write('enc/utf16le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cm('utf16'), 'utf16le')]));
  await write('enc/utf8-bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cm('bom'))]));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('loadManifests: expanding -f', () => {
  it('reads a directory: *.yaml, *.yml, *.json only, sorted by name, no subdirectories without -R', async () => {
    const r = await loadManifests({ filenames: ['app'], cwd: tmp });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/a1', 'ConfigMap/a2', 'ConfigMap/b', 'ConfigMap/c', 'ConfigMap/z']);
    expect(sources(r)).toEqual(['app/a-deploy.yaml#0', 'app/a-deploy.yaml#1', 'app/b-service.yml#0', 'app/c.json#0', 'app/z-last.yaml#0']);
    expect(r.objects.map((o) => o.file)).toEqual(['app/a-deploy.yaml', 'app/a-deploy.yaml', 'app/b-service.yml', 'app/c.json', 'app/z-last.yaml']);
  });

  it('recurses with -R, visiting subdirectories in name order between the files (like filepath.Walk)', async () => {
    const r = await loadManifests({ filenames: ['./app/'], recursive: true, cwd: tmp });
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => o.file)).toEqual([
      'app/a-deploy.yaml',
      'app/a-deploy.yaml',
      'app/b-service.yml',
      'app/c.json',
      'app/m/deeper/deepest.yaml',
      'app/m/nested.yaml',
      'app/z-last.yaml',
    ]);
  });

  it('reads an explicitly named file whatever its extension, and keeps -f order across arguments', async () => {
    const r = await loadManifests({ filenames: ['single.txt', 'app/z-last.yaml', 'app/b-service.yml'], cwd: tmp });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/explicit-file-any-extension', 'ConfigMap/z', 'ConfigMap/b']);
  });

  it('prints absolute paths as given', async () => {
    const abs = join(tmp, 'app', 'b-service.yml');
    const r = await loadManifests({ filenames: [abs] });
    expect(sources(r)).toEqual([`${abs}#0`]);
    expect(r.objects[0]!.file).toBe(abs);
  });

  it('reports a missing path in kubectl words and still reads the other paths', async () => {
    const r = await loadManifests({ filenames: ['nope.yaml', 'app/z-last.yaml', 'app/missing-dir/'], cwd: tmp });
    expect(names(r)).toEqual(['ConfigMap/z']);
    expect(rendered(r)).toEqual(['the path "nope.yaml" does not exist', 'the path "app/missing-dir/" does not exist']);
    expect(r.errors[0]).toBeInstanceOf(ManifestError);
    expect(r.errors[0]!.source).toBeUndefined();
  });

  it('treats a file used as a directory as a missing path', async () => {
    const r = await loadManifests({ filenames: ['single.txt/x.yaml'], cwd: tmp });
    expect(rendered(r)).toEqual(['the path "single.txt/x.yaml" does not exist']);
  });

  it('returns nothing for an empty directory (the command decides whether that is an error)', async () => {
    expect(await loadManifests({ filenames: ['empty-dir'], cwd: tmp })).toEqual({ objects: [], errors: [] });
  });

  it('refuses URLs instead of fetching them', async () => {
    const r = await loadManifests({ filenames: ['https://example.com/web.yaml'], cwd: tmp });
    expect(rendered(r)).toEqual(['reading manifests from a URL is not supported: "https://example.com/web.yaml" (download it and pass the file)']);
  });

  it('skips a symlinked directory inside a directory, as filepath.Walk does, but follows a symlinked file', async () => {
    await write('links/real/in-real-dir.yaml', cm('in-linked-dir'));
    await write('links/target.txt', cm('via-link'));
    await symlink(join(tmp, 'links/real'), join(tmp, 'links/dir-link'));
    await symlink(join(tmp, 'links/target.txt'), join(tmp, 'links/file-link.yaml'));
    const r = await loadManifests({ filenames: ['links'], cwd: tmp });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/via-link']);
  });
});

describe('loadManifests: bad files', () => {
  it('reports each bad file with its path and keeps going', async () => {
    const r = await loadManifests({ filenames: ['bad'], cwd: tmp });
    expect(names(r)).toEqual(['ConfigMap/ok', 'ConfigMap/still-read']);
    expect(rendered(r)).toEqual([
      'bad/2-binary.yaml: not a text file (binary data)',
      'bad/3-dup.yaml:5:3: duplicate key "name"',
      'bad/4-latin1.yaml: not a text file (invalid UTF-8)',
    ]);
    expect(r.errors.every((e) => e instanceof ManifestError && e.code === 'ManifestParse')).toBe(true);
  });

  it('reads UTF-16 with a byte-order mark and UTF-8 with a BOM (positions ignore the BOM)', async () => {
    const r = await loadManifests({ filenames: ['enc'], cwd: tmp });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/utf16', 'ConfigMap/bom']);
    expect(r.objects[1]!.positionOf([])).toEqual({ line: 1, col: 1 });
    expect(r.objects[1]!.positionOf(['metadata', 'name'])).toEqual({ line: 4, col: 9 });
  });

  it('refuses a file larger than the limit without reading it all', async () => {
    await write('huge.yaml', Buffer.alloc(MANIFEST_LIMITS.maxFileBytes + 1, 0x61));
    const r = await loadManifests({ filenames: ['huge.yaml'], cwd: tmp });
    expect(rendered(r)).toEqual(['huge.yaml: file is larger than 8 MiB']);
  });
});

describe('loadManifests: stdin', () => {
  const text = `${cm('from-stdin')}---\napiVersion: v1\nkind: [\n`;

  it('reads `-` from a stream, names it STDIN, and reads it once even if given twice', async () => {
    const r = await loadManifests({ filenames: ['-', 'app/z-last.yaml', '-'], cwd: tmp, stdin: Readable.from([Buffer.from(text.slice(0, 10)), text.slice(10)]) });
    expect(names(r)).toEqual(['ConfigMap/from-stdin', 'ConfigMap/z']);
    expect(r.objects[0]!.source).toBe('STDIN#0');
    expect(r.objects[0]!.file).toBe('-');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.source).toMatch(/^STDIN:\d+:\d+$/);
  });

  it('reads `-` from a function', async () => {
    const r = await loadManifests({ filenames: ['-'], stdin: async () => cm('fn') });
    expect(names(r)).toEqual(['ConfigMap/fn']);
  });

  it('refuses binary stdin and stdin over the size limit', async () => {
    const bin = await loadManifests({ filenames: ['-'], stdin: Readable.from([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00])]) });
    expect(rendered(bin)).toEqual(['STDIN: not a text file (binary data)']);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const big = await loadManifests({ filenames: ['-'], stdin: Readable.from(Array.from({ length: 9 }, () => chunk)) });
    expect(rendered(big)).toEqual(['STDIN: file is larger than 8 MiB']);
  });

  it('says so when there is no stdin to read', async () => {
    expect(rendered(await loadManifests({ filenames: ['-'] }))).toEqual(['reading from stdin ("-f -") is not available here']);
  });
});

describe('loadManifests: what kubectl writes', () => {
  it('loads `kubectl create deployment web --image=nginx --dry-run=client -o yaml` (v1.32)', async () => {
    const r = await loadManifests({ filenames: [join(fixtures, 'kubectl-create-deployment-web.yaml')] });
    expect(r.errors).toEqual([]);
    expect(r.objects).toHaveLength(1);
    const d = r.objects[0]!;
    expect(d.object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { creationTimestamp: null, labels: { app: 'web' }, name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        strategy: {},
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ image: 'nginx', name: 'nginx', resources: {} }] },
        },
      },
      status: {},
    });
    // `      - image: nginx` is line 21; the value starts at column 16
    expect(d.positionOf(['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ line: 21, col: 16 });
    expect(d.positionOf(['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'])).toEqual({ line: 21, col: 9 });
  });

  it('loads the same Deployment from kubectl -o json, and a kubectl multi-document stream', async () => {
    const r = await loadManifests({
      filenames: [join(fixtures, 'kubectl-create-deployment-web.yaml'), join(fixtures, 'kubectl-create-deployment-web.json'), join(fixtures, 'kubectl-web-stack.yaml')],
    });
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['Deployment/web', 'Deployment/web', 'Deployment/web', 'Service/web']);
    expect(r.objects[1]!.object).toEqual(r.objects[0]!.object);
    expect(r.objects[2]!.object).toEqual(r.objects[0]!.object);
    expect(r.objects[3]!.object.spec).toEqual({ ports: [{ name: '80-80', port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' }, type: 'ClusterIP' });
    expect(r.objects[3]!.positionOf(['spec', 'ports', 0, 'targetPort'])).toEqual({ line: 38, col: 17 });
  });
});

import { describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS, parseManifestText, type LoadResult } from '../../../src/manifest/loader.js';
import { ManifestError } from '../../../src/util/errors.js';

/** What the CLI prints after "error: " (cli/errors.ts: `${source}: ${message}`). */
const rendered = (r: LoadResult): string[] => r.errors.map((e) => (e.source ? `${e.source}: ${e.message}` : e.message));
const names = (r: LoadResult): string[] => r.objects.map((o) => `${o.object.kind}/${o.object.metadata?.name}`);

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('parseManifestText: documents', () => {
  it('splits multi-document YAML, skips empty and comment-only documents, keeps document indexes', () => {
    const text = ['# leading comment', cm('a'), '---', '---', '# only a comment', '---', cm('b') + '...', '---', '~', '---', cm('c')].join('\n');
    const r = parseManifestText(text, 'multi.yaml');
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/a', 'ConfigMap/b', 'ConfigMap/c']);
    expect(r.objects.map((o) => o.source)).toEqual(['multi.yaml#0', 'multi.yaml#3', 'multi.yaml#5']);
    expect(r.objects.every((o) => o.file === 'multi.yaml')).toBe(true);
    // positions are absolute lines in the file, not per document
    expect(r.objects[2]!.positionOf(['metadata', 'name'])).toEqual({ line: 22, col: 9 });
  });

  it.each([
    ['an empty file', ''],
    ['only whitespace', '\n\n   \n'],
    ['only comments and separators', '# a\n---\n# b\n---\n'],
    ['a null document', 'null\n'],
  ])('yields no objects and no errors for %s', (_name, text) => {
    expect(parseManifestText(text, 'e.yaml')).toEqual({ objects: [], errors: [] });
  });

  it('reads a JSON object, with positions', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, null, 2);
    const r = parseManifestText(json, 'pod.json');
    expect(r.errors).toEqual([]);
    expect(r.objects).toHaveLength(1);
    expect(r.objects[0]!.object).toEqual(JSON.parse(json));
    expect(r.objects[0]!.source).toBe('pod.json#0');
    // line 11 is `        "image": "nginx"`: the value starts at column 18
    expect(json.split('\n')[10]).toBe('        "image": "nginx"');
    expect(r.objects[0]!.positionOf(['spec', 'containers', 0, 'image'])).toEqual({ line: 11, col: 18 });
  });

  it('reads tab-indented JSON (JSON is YAML, tabs are fine inside flow collections)', () => {
    const json = '{\n\t"apiVersion": "v1",\n\t"kind": "ConfigMap",\n\t"metadata": {\n\t\t"name": "t"\n\t}\n}\n';
    const r = parseManifestText(json, 't.json');
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/t']);
    expect(r.objects[0]!.positionOf(['metadata', 'name'])).toEqual({ line: 5, col: 11 });
  });

  it('flattens a kind: List (YAML) into its items, each with its own positions', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: first',
      '- apiVersion: v1',
      '  kind: Service',
      '  metadata: {name: second}',
      '  spec:',
      '    ports:',
      '    - port: 80',
    ].join('\n');
    const r = parseManifestText(text, 'list.yaml');
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['ConfigMap/first', 'Service/second']);
    expect(r.objects[0]!.positionOf(['metadata', 'name'])).toEqual({ line: 7, col: 11 });
    expect(r.objects[1]!.positionOf(['metadata', 'name'])).toEqual({ line: 10, col: 20 });
    expect(r.objects[1]!.positionOf(['spec', 'ports', 0, 'port'])).toEqual({ line: 13, col: 13 });
    // a missing field of an item points at that item, never at the List
    expect(r.objects[1]!.positionOf(['spec', 'selector'])).toEqual({ line: 12, col: 5 });
    expect(r.objects[0]!.positionOf([])).toEqual({ line: 4, col: 3 });
  });

  it('flattens a JSON List and nested Lists, and reports a bad item at the item', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } },
          { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }] },
          'oops',
          { apiVersion: 'v1', metadata: { name: 'nokind' } },
        ],
      },
      null,
      1,
    );
    const r = parseManifestText(json, 'l.json');
    expect(names(r)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
    const lines = json.split('\n');
    const oops = lines.findIndex((l) => l.includes('"oops"')) + 1;
    expect(rendered(r)).toEqual([
      `l.json:${oops}:3: expected a Kubernetes object (a mapping), got a string`,
      `l.json:${oops + 1}:3: Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"nokind"}}'`,
    ]);
  });

  it('fills apiVersion/kind of items of a typed list (PodList) as kubectl does', () => {
    const r = parseManifestText('apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1}\n- metadata: {name: p2}\n', 'pods.yaml');
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => [o.object.apiVersion, o.object.kind, o.object.metadata.name])).toEqual([
      ['v1', 'Pod', 'p1'],
      ['v1', 'Pod', 'p2'],
    ]);
  });

  it('treats an empty List as no objects', () => {
    expect(parseManifestText('apiVersion: v1\nkind: List\nitems: []\n', 'l.yaml')).toEqual({ objects: [], errors: [] });
    expect(parseManifestText('apiVersion: v1\nkind: List\n', 'l.yaml')).toEqual({ objects: [], errors: [] });
  });

  it('keeps the good documents of a file when one document is bad', () => {
    const r = parseManifestText([cm('a'), '---', 'apiVersion: v1\nkind: [', '---', cm('c')].join('\n'), 'mixed.yaml');
    expect(names(r)).toEqual(['ConfigMap/a', 'ConfigMap/c']);
    expect(r.errors).toHaveLength(1);
    // the unclosed `[` of line 8 is noticed at the next `---`; the error points where the `]` is missing
    expect(r.errors[0]!.source).toBe('mixed.yaml:8:8');
  });
});

describe('parseManifestText: YAML semantics as kubectl (YAML 1.1 scalars, merge keys)', () => {
  it('resolves scalars like go-yaml v2: yes/no/on/off/y/n booleans, 0644 octal, timestamps stay strings', () => {
    const text = [
      'apiVersion: v1',
      'kind: Thing',
      'metadata: {name: t}',
      'spec:',
      '  a: yes',
      '  b: "yes"',
      '  c: off',
      '  d: 0644',
      '  e: 2024-01-02',
      '  f: 10:30',
      '  g: 0x1F',
      '  h: 1e3',
      '  i: ~',
      '  j:',
      '  k: 007',
      '  n: 1',
    ].join('\n');
    const r = parseManifestText(text, 's.yaml');
    expect(r.errors).toEqual([]);
    // `n:` as a key is the boolean false, whose JSON key is "false" (sigs.k8s.io/yaml does the same)
    expect(r.objects[0]!.object.spec).toEqual({ a: true, b: 'yes', c: false, d: 420, e: '2024-01-02', f: '10:30', g: 31, h: 1000, i: null, j: null, k: 7, false: 1 });
    expect(r.objects[0]!.positionOf(['spec', 'false'])).toEqual({ line: 16, col: 6 });
  });

  it('resolves merge keys (<<), explicit keys override merged ones, and positions follow the merge', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'x-defaults: &defaults',
      '  image: nginx',
      '  imagePullPolicy: Always',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - <<: *defaults',
      '        name: a',
      '      - <<: [*defaults]',
      '        name: b',
      '        image: busybox',
    ].join('\n');
    const r = parseManifestText(text, 'm.yaml');
    expect(r.errors).toEqual([]);
    const containers = (r.objects[0]!.object.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    expect(containers).toEqual([
      { image: 'nginx', imagePullPolicy: 'Always', name: 'a' },
      { image: 'busybox', imagePullPolicy: 'Always', name: 'b' },
    ]);
    const o = r.objects[0]!;
    expect(o.positionOf(['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'])).toEqual({ line: 7, col: 20 });
    expect(o.positionOf(['spec', 'template', 'spec', 'containers', 1, 'image'])).toEqual({ line: 16, col: 16 });
  });

  it('does not share objects between places that use the same alias', () => {
    const text = 'apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nspec:\n  a: &x {k: [1]}\n  b: *x\n';
    const spec = parseManifestText(text, 'a.yaml').objects[0]!.object.spec as { a: { k: number[] }; b: { k: number[] } };
    spec.a.k.push(2);
    expect(spec.b.k).toEqual([1]);
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const r = parseManifestText('apiVersion: v1\nkind: Thing\nmetadata: {name: t}\n__proto__: {polluted: 1}\n', 'p.yaml');
    expect(r.errors).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.objects[0]!.object)).toBe(Object.prototype);
  });
});

describe('positionOf', () => {
  const deployment = [
    'apiVersion: apps/v1', //  1
    'kind: Deployment', //  2
    'metadata:', //  3
    '  name: web', //  4
    '  labels: &labels', //  5
    '    app: web', //  6
    'spec:', //  7
    '  replicas:', //  8
    '  template:', //  9
    '    metadata: {labels: *labels}', // 10
    '    spec:', // 11
    '      containers:', // 12
    '      - name: web', // 13
    '        image: nginx', // 14
    '        imagePullPolicy: IfNotPresent', // 15
    '        ports:', // 16
    '        - containerPort: 80', // 17
    '      - name: sidecar', // 18
    '        image: "busybox"', // 19
  ].join('\n');
  const obj = parseManifestText(deployment, 'web.yaml').objects[0]!;

  it.each<[string, (string | number)[], { line: number; col: number }]>([
    ['the document root', [], { line: 1, col: 1 }],
    ['a top-level value', ['kind'], { line: 2, col: 7 }],
    ['a nested sequence item field', ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'], { line: 15, col: 26 }],
    ['a field of a sequence item inside a sequence item', ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], { line: 17, col: 26 }],
    ['a sequence item', ['spec', 'template', 'spec', 'containers', 1], { line: 18, col: 9 }],
    ['a quoted value', ['spec', 'template', 'spec', 'containers', 1, 'image'], { line: 19, col: 16 }],
    ['a sequence index given as a string', ['spec', 'template', 'spec', 'containers', '1', 'name'], { line: 18, col: 15 }],
    ['the key, when the value is empty', ['spec', 'replicas'], { line: 8, col: 3 }],
    ['the key, when the path continues below an empty value', ['spec', 'replicas', 'x'], { line: 8, col: 3 }],
    ['the parent map, when the field is missing (Required)', ['spec', 'selector'], { line: 8, col: 3 }],
    ['the nearest existing ancestor, several levels down', ['spec', 'template', 'spec', 'containers', 1, 'resources', 'limits', 'cpu'], { line: 18, col: 9 }],
    ['the sequence, for an index past its end', ['spec', 'template', 'spec', 'containers', 7, 'name'], { line: 13, col: 7 }],
    ['a flow mapping value', ['spec', 'template', 'metadata'], { line: 10, col: 15 }],
    ['the alias, when the path ends at it', ['spec', 'template', 'metadata', 'labels'], { line: 10, col: 24 }],
    ['the anchored node, when the path goes through an alias', ['spec', 'template', 'metadata', 'labels', 'app'], { line: 6, col: 10 }],
  ])('points at %s', (_name, segments, expected) => {
    expect(obj.positionOf(segments)).toEqual(expected);
  });
});

describe('parseManifestText: bad and hostile input gives one-line errors', () => {
  it.each<[string, string, string]>([
    ['a duplicate key', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  replicas: 2\n', 'web.yaml:6:3: duplicate key "replicas"'],
    ['a duplicate key in a flow mapping', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n', 'web.yaml:3:21: duplicate key "name"'],
    ['keys that are equal once converted to JSON', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  1: x\n  "1": y\n', 'web.yaml:6:3: duplicate key "1"'],
    ['a sequence document', '- a\n- b\n', 'web.yaml:1:1: expected a Kubernetes object (a mapping), got a sequence'],
    ['a string document', 'hello world\n', 'web.yaml:1:1: expected a Kubernetes object (a mapping), got a string'],
    ['a number document', '\n\n42\n', 'web.yaml:3:1: expected a Kubernetes object (a mapping), got a number'],
    ['a missing kind', 'apiVersion: v1\nmetadata:\n  name: x\n', `web.yaml:1:1: Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'`],
    ['a missing apiVersion', '# c\nkind: ConfigMap\nmetadata:\n  name: x\n', `web.yaml:2:1: Object 'apiVersion' is missing in '{"kind":"ConfigMap","metadata":{"name":"x"}}'`],
    ['a kind that is not a string', 'apiVersion: v1\nkind: [a]\n', 'web.yaml:2:7: kind must be a string, got a sequence'],
    ['a !!js/function tag', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  f: !!js/function "function(){ process.exit(7) }"\n', 'web.yaml:4:6: unsupported YAML tag "!!js/function" (only standard tags such as !!str and !!int are accepted)'],
    ['a local tag', 'apiVersion: v1\nkind: !Custom ConfigMap\n', 'web.yaml:2:7: unsupported YAML tag "!Custom" (only standard tags such as !!str and !!int are accepted)'],
    ['a !!binary tag', 'apiVersion: v1\nkind: Secret\ndata:\n  k: !!binary aGVsbG8=\n', 'web.yaml:4:6: unsupported YAML tag "!!binary" (only standard tags such as !!str and !!int are accepted)'],
    ['a !!set tag', 'apiVersion: v1\nkind: Thing\nspec: !!set {a, b}\n', 'web.yaml:3:7: unsupported YAML tag "!!set" (only standard tags such as !!str and !!int are accepted)'],
    ['an .inf value', 'apiVersion: v1\nkind: Thing\nspec:\n  x: .inf\n', 'web.yaml:4:6: unsupported value .inf: not representable in JSON'],
    ['a complex key', 'apiVersion: v1\nkind: Thing\n? [a, b]\n: c\n', 'web.yaml:3:3: mapping keys must be strings (found a complex key)'],
    ['an alias as a key', 'apiVersion: &v v1\nkind: Thing\n*v : c\n', 'web.yaml:3:1: an alias cannot be used as a mapping key'],
    ['a merge of a scalar', 'apiVersion: v1\nkind: Thing\nx: &s 1\nspec:\n  <<: *s\n', 'web.yaml:5:7: invalid merge key "<<": merge sources must be maps or map aliases'],
    ['an unknown alias', 'apiVersion: v1\nkind: Thing\nspec: *nowhere\n', 'web.yaml:3:7: unknown alias "*nowhere" (its anchor must be defined before it, outside the aliased node)'],
    ['an alias inside its own anchor', 'apiVersion: v1\nkind: Thing\nspec: &loop\n  self: *loop\n', 'web.yaml:4:9: unknown alias "*loop" (its anchor must be defined before it, outside the aliased node)'],
    ['a raw control character', 'apiVersion: v1\nkind: Thing\nspec:\n  x: "a\x1bb"\n', 'web.yaml:4:8: control characters are not allowed (U+001B)'],
    ['a NUL byte', 'apiVersion: v1\nkind: Thing\x00\n', 'web.yaml: not a text file (binary data)'],
  ])('%s', (_name, text, expected) => {
    const r = parseManifestText(text, 'web.yaml');
    expect(rendered(r)).toEqual([expected]);
    expect(r.objects).toEqual([]);
    expect(r.errors[0]).toBeInstanceOf(ManifestError);
    expect(r.errors[0]!.code).toBe('ManifestParse');
  });

  it.each<[string, string, RegExp]>([
    ['an unclosed flow sequence', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n  b: 3\n', /^web\.yaml:5:\d+: syntax error: \S.*$/],
    ['a nested mapping on one line', 'apiVersion: v1\nkind: a: b\n', /^web\.yaml:2:\d+: syntax error: nested mappings are not allowed in compact mappings$/],
    ['tabs used as indentation', 'apiVersion: v1\nkind: Thing\nspec:\n\tx: 1\n', /^web\.yaml:4:1: syntax error: \S.*$/],
    ['an unterminated quoted string', 'apiVersion: v1\nkind: "Thing\n', /^web\.yaml:2:13: syntax error: missing closing "quote$/],
    ['a flow sequence left open at the end of the file', 'apiVersion: v1\ndata:\n  a: [1, 2\n\n', /^web\.yaml:3:11: syntax error: flow sequence in block collection must be sufficiently indented and end with a \]$/],
  ])('reports a syntax error with line:col: %s', (_name, text, expected) => {
    const r = parseManifestText(text, 'web.yaml');
    expect(r.errors).toHaveLength(1);
    expect(rendered(r)[0]).toMatch(expected);
    expect(r.objects).toEqual([]);
  });

  it('refuses a billion-laughs alias bomb quickly', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let prev = 'a';
    for (const n of 'bcdefghijklmnop') {
      lines.push(`  ${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
      prev = n;
    }
    const started = performance.now();
    const r = parseManifestText(lines.join('\n'), 'bomb.yaml');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.objects).toEqual([]);
    expect(rendered(r)).toEqual([
      `bomb.yaml:6:10: too many YAML alias expansions (more than ${MANIFEST_LIMITS.maxAliasCount}): refusing a possible alias bomb ("billion laughs")`,
    ]);
  });

  it(`accepts an anchor used 90 times, and refuses more than ${MANIFEST_LIMITS.maxAliasCount} uses`, () => {
    const doc = (uses: number): string => {
      const lines = ['apiVersion: v1', 'kind: Thing', 'metadata: {name: t}', 'base: &b {x: 1}', 'spec:'];
      for (let i = 0; i < uses; i++) lines.push(`  k${i}: {<<: *b, i: ${i}}`);
      return lines.join('\n');
    };
    const ok = parseManifestText(doc(90), 'ok.yaml');
    expect(ok.errors).toEqual([]);
    expect((ok.objects[0]!.object.spec as Record<string, unknown>).k89).toEqual({ x: 1, i: 89 });
    expect(rendered(parseManifestText(doc(MANIFEST_LIMITS.maxAliasCount + 1), 'many.yaml'))[0]).toMatch(/^many\.yaml:6:\d+: too many YAML alias expansions/);
  });

  it('refuses a big anchor repeated until it expands beyond the size budget', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v`).join('\n');
    const uses = Array.from({ length: 60 }, (_, i) => `  u${i}: *big`).join('\n');
    const text = `apiVersion: v1\nkind: Thing\nmetadata: {name: t}\nblob: &big\n${big}\nspec:\n${uses}\n`;
    const r = parseManifestText(text, 'wide.yaml');
    expect(r.objects).toEqual([]);
    expect(rendered(r)).toEqual([
      `wide.yaml:20006:7: YAML aliases expand this document beyond ${MANIFEST_LIMITS.maxExpandedNodes} nodes or 32 MiB: refusing a possible alias bomb`,
    ]);
  });

  it('refuses deeply nested flow collections fast, before parsing', () => {
    const depth = 200_000;
    const started = performance.now();
    const r = parseManifestText(`apiVersion: v1\nkind: Thing\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'deep.yaml');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(rendered(r)).toEqual([`deep.yaml:3:${7 + MANIFEST_LIMITS.maxDepth}: nesting is deeper than ${MANIFEST_LIMITS.maxDepth} levels`]);
  });

  it('does not mistake brackets inside strings and comments for nesting', () => {
    const noise = '['.repeat(MANIFEST_LIMITS.maxDepth + 50);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: re} # ${noise}\ndata:\n  a: "${noise}"\n  b: '${noise}'\n  c: |\n    ${noise}\n`;
    const r = parseManifestText(text, 're.yaml');
    expect(r.errors).toEqual([]);
    expect((r.objects[0]!.object.data as Record<string, string>).a).toBe(noise);
  });

  it('refuses deeply nested block mappings', () => {
    let text = 'apiVersion: v1\nkind: Thing\nspec:\n';
    for (let i = 1; i <= MANIFEST_LIMITS.maxDepth + 5; i++) text += `${' '.repeat(i)}k:\n`;
    const r = parseManifestText(text, 'deep.yaml');
    expect(r.objects).toEqual([]);
    expect(rendered(r)).toHaveLength(1);
    expect(rendered(r)[0]).toMatch(/^deep\.yaml:\d+:\d+: nesting is (deeper than \d+ levels|too deep)$/);
  });

  it('refuses a document larger than 3 MiB and keeps the others', () => {
    const big = 'x'.repeat(1000);
    const body = Array.from({ length: 3200 }, () => `    ${big}`).join('\n');
    const text = `${cm('small')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: |\n${body}\n`;
    const r = parseManifestText(text, 'file.yaml');
    expect(names(r)).toEqual(['ConfigMap/small']);
    expect(rendered(r)).toEqual(['file.yaml:6:1: document 2 is larger than 3 MiB']);
  });

  it('refuses text larger than 8 MiB without parsing it', () => {
    const text = `# ${'x'.repeat(MANIFEST_LIMITS.maxFileBytes)}\n`;
    expect(rendered(parseManifestText(text, 'huge.yaml'))).toEqual(['huge.yaml: file is larger than 8 MiB']);
  });

  it('never throws and keeps every error on one line, whatever the bytes (seeded mutations)', () => {
    const base = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, labels: &l {app: web}}',
      'spec:',
      '  selector: {matchLabels: *l}',
      '  template:',
      '    metadata: {labels: {<<: *l}}',
      '    spec:',
      '      containers:',
      '      - {name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}',
      "      - name: 'side'",
      '        args: ["a", "b"]',
      '        env: [{name: A, value: "1"}]',
      '---',
      '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}',
    ].join('\n');
    const alphabet = ['[', ']', '{', '}', ':', '-', ' ', '\n', '"', "'", '&', '*', '!', '|', '>', '#', ',', '?', '<<', '\t', 'a', '0'];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      let text = base;
      for (let k = 0, edits = 1 + rand(4); k < edits; k++) {
        const at = rand(text.length);
        const op = rand(3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + rand(5));
        else if (op === 1) text = text.slice(0, at) + alphabet[rand(alphabet.length)] + text.slice(at);
        else text = text.slice(0, at);
      }
      let r: LoadResult | undefined;
      expect(() => (r = parseManifestText(text, 'fuzz.yaml')), text).not.toThrow();
      for (const line of rendered(r!)) {
        expect(line, text).not.toContain('\n');
        expect(line, text).toMatch(/^fuzz\.yaml(:\d+:\d+)?: \S/);
      }
      for (const o of r!.objects) {
        expect(typeof o.object.kind).toBe('string');
        expect(o.positionOf(['metadata', 'name'])).toMatchObject({ line: expect.any(Number), col: expect.any(Number) });
      }
    }
  });
});

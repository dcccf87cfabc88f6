// The pure builders behind `kctl create <generator>`: kubectl's parsing rules, wording and field order.
import { describe, expect, it } from 'vitest';
import {
  ConfigMapBuilder,
  REDACTED,
  SecretBuilder,
  buildDeployment,
  buildNamespace,
  containerNameOf,
  dockerConfigJSON,
  encodeHash,
  envFilePairs,
  nameFromCommandArgs,
  parseFileSource,
  parseLiteralSource,
  selectTLSBlocks,
  typedJSON,
  withCreateAnnotation,
} from '../../../src/cli/create-generators.js';
import { CERT, KEY } from './tls-fixtures.js';

const msg = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('nameFromCommandArgs', () => {
  it.each([
    [['x'], -1, 'x'],
    [['x', 'sleep', '1'], 1, 'x'],
  ])('%j (args before --: %i) → %s', (args, dash, want) => {
    expect(nameFromCommandArgs(args, dash, 'kctl create deployment')).toBe(want);
  });
  it.each([
    [[], -1, 0],
    [['a', 'b'], -1, 2],
    [['a', 'b', 'c'], 2, 2],
    [['sleep'], 0, 0],
  ])('%j (args before --: %i) → got %i', (args, dash, n) => {
    expect(msg(() => nameFromCommandArgs(args, dash, 'kctl create configmap'))).toBe(
      `exactly one NAME is required, got ${n}\nSee 'kctl create configmap -h' for help and examples`,
    );
  });
});

describe('parseLiteralSource', () => {
  it.each([
    ['a=1', ['a', '1']],
    ['a=', ['a', '']],
    ['a=b=c', ['a', 'b=c']],
    ['k= spaced value ', ['k', ' spaced value ']],
  ])('%s', (src, want) => expect(parseLiteralSource(src)).toEqual(want));
  it.each(['noeq', '=v', ''])('%j is refused as kubectl does', (src) => {
    expect(msg(() => parseLiteralSource(src))).toBe(`invalid literal source ${src}, expected key=value`);
  });
  it('never echoes a Secret literal (it may be a value typed without its key)', () => {
    expect(msg(() => parseLiteralSource('=hunter2', true))).toBe(`invalid literal source ${REDACTED}, expected key=value`);
    expect(msg(() => parseLiteralSource('hunter2', true))).not.toContain('hunter2');
  });
});

describe('parseFileSource', () => {
  it.each([
    ['path/to/file.txt', { key: 'file.txt', path: 'path/to/file.txt', keyGiven: false }],
    ['dir/', { key: 'dir', path: 'dir/', keyGiven: false }],
    ['/', { key: '/', path: '/', keyGiven: false }],
    ['k=path/f', { key: 'k', path: 'path/f', keyGiven: true }],
  ])('%s', (src, want) => expect(parseFileSource(src)).toEqual(want));
  it.each([
    ['=path', 'key name for file path path missing'],
    ['key=', 'file path for key name key missing'],
    ['a=b=c', "key names or file paths cannot contain '='"],
  ])('%s → %s', (src, want) => expect(msg(() => parseFileSource(src))).toBe(want));
});

describe('envFilePairs', () => {
  const pairs = (text: string | Buffer, env: Record<string, string> = {}, secret = false): [string, string][] => [
    ...envFilePairs(Buffer.isBuffer(text) ? text : Buffer.from(text), 'x.env', (k) => env[k], secret),
  ];

  it('reads KEY=value lines as kubectl does: BOM, CRLF, comments, blanks, leading spaces, values verbatim', () => {
    expect(pairs('\ufeffA=1\r\n  # comment\n\n\tB=two words  \nC==x\nD=\nE')).toEqual([
      ['A', '1'],
      ['B', 'two words  '],
      ['C', '=x'],
      ['D', ''],
      ['E', ''],
    ]);
  });
  it('takes a bare KEY from the environment', () => {
    expect(pairs('HOME_DIR\nOTHER=1', { HOME_DIR: '/root' })).toEqual([
      ['HOME_DIR', '/root'],
      ['OTHER', '1'],
    ]);
  });
  it('is lazy: pairs before a bad line are delivered first', () => {
    const it = envFilePairs(Buffer.from('A=1\nbad key=2\n'), 'x.env', () => undefined);
    expect(it.next().value).toEqual(['A', '1']);
    expect(() => it.next()).toThrow(/"bad key" is not a valid key name: a valid environment variable name/);
  });
  it('words a bad key as kubectl for a ConfigMap, and does not echo the line for a Secret', () => {
    expect(msg(() => pairs('1X=y'))).toBe(
      `"1X" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
    );
    const m = msg(() => pairs('A=1\npassword hunter2\n', {}, true));
    expect(m).not.toContain('hunter2');
    expect(m).toContain('line 2 of env file x.env');
  });
  it('reports invalid UTF-8 with the line (its bytes for a ConfigMap, redacted for a Secret)', () => {
    const bad = Buffer.from([0x41, 0x3d, 0xff, 0x0a]);
    expect(msg(() => pairs(bad))).toBe('env file x.env contains invalid utf8 bytes at line 1: [65 61 255]');
    expect(msg(() => pairs(bad, {}, true))).toBe(`env file x.env contains invalid utf8 bytes at line 1: ${REDACTED}`);
  });
});

describe('ConfigMapBuilder', () => {
  it('puts text in data and anything not UTF-8 in binaryData, keys sorted, fields in struct order', () => {
    const cm = new ConfigMapBuilder('cfg', 'team').addString('b', '2').addFile('a', Buffer.from('text\n')).addFile('bin', Buffer.from([0xff, 0x00])).build();
    expect(JSON.stringify(cm)).toBe(
      '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg","namespace":"team","creationTimestamp":null},"data":{"a":"text\\n","b":"2"},"binaryData":{"bin":"/wA="}}',
    );
  });
  it('leaves out empty data and binaryData, and the namespace unless given', () => {
    expect(new ConfigMapBuilder('e').build()).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'e', creationTimestamp: null } });
  });
  it.each([
    [(b: ConfigMapBuilder) => b.addString('a b', '1'), `"a b" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`],
    [(b: ConfigMapBuilder) => b.addString('..', '1'), `".." is not a valid key name for a ConfigMap: must not be '..'`],
    [(b: ConfigMapBuilder) => b.addString('a', '1').addString('a', '2'), 'cannot add key "a", another key by that name already exists in Data for ConfigMap "x"'],
    [(b: ConfigMapBuilder) => b.addFile('a', Buffer.from([0xff])).addString('a', '2'), 'cannot add key "a", another key by that name already exists in BinaryData for ConfigMap "x"'],
  ])('%#: refuses as kubectl', (fn, want) => expect(msg(() => fn(new ConfigMapBuilder('x')))).toBe(want));
});

describe('SecretBuilder', () => {
  it('base64-encodes every value; type only when given', () => {
    expect(new SecretBuilder('s', undefined, '').add('p', 's3cret').build()).toEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      data: { p: 'czNjcmV0' },
    });
    expect(new SecretBuilder('s', 'ns', 'kubernetes.io/basic-auth').build()).toMatchObject({ type: 'kubernetes.io/basic-auth', metadata: { namespace: 'ns' } });
  });
  it.each([
    [(b: SecretBuilder) => b.add('a b', 'v'), `"a b" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`],
    [(b: SecretBuilder) => b.add('a', 'v1').add('a', 'v2'), 'cannot add key a, another key by that name already exists'],
  ])('%#: refuses as kubectl, without the value', (fn, want) => {
    const m = msg(() => fn(new SecretBuilder('x', undefined, '')));
    expect(m).toBe(want);
    expect(m).not.toMatch(/v1|v2/);
  });
});

describe('--append-hash', () => {
  it('encodeHash swaps 0 1 3 a e for g h k m t in the first 10 hex digits', () => {
    expect(encodeHash('0123456789abcdef')).toBe('gh2k456789');
    expect(encodeHash('aeaeaeaeaeff')).toBe('mtmtmtmtmt');
  });
  it('hashes what kubectl hashes (sorted JSON of kind/name/data[/binaryData], kind/name/type/data)', () => {
    expect(new ConfigMapBuilder('x').addString('a', '1').hashInput()).toBe('{"data":{"a":"1"},"kind":"ConfigMap","name":"x"}');
    expect(new SecretBuilder('x', undefined, '').add('a', '1').hashInput()).toBe('{"data":{"a":"MQ=="},"kind":"Secret","name":"x","type":""}');
  });
});

describe('dockerConfigJSON', () => {
  it("is Go's json.Marshal: field order, omitempty, HTML-safe escapes", () => {
    expect(dockerConfigJSON({ server: 'r.io', username: 'u<&>', password: 'p', email: '' }).toString()).toBe(
      '{"auths":{"r.io":{"username":"u\\u003c\\u0026\\u003e","password":"p","auth":"dTwmPjpw"}}}',
    );
    expect(dockerConfigJSON({ server: 's', username: 'u', password: 'p', email: 'e@x' }).toString()).toBe(
      '{"auths":{"s":{"username":"u","password":"p","email":"e@x","auth":"dTpw"}}}',
    );
  });
});

describe('TLS blocks (crypto/tls X509KeyPair wording)', () => {
  const b = Buffer.from;
  it('finds the certificate and the private key', () => {
    const r = selectTLSBlocks(b(CERT), b(`-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${KEY}`));
    expect(r.certs).toHaveLength(1);
    expect(r.key.type).toBe('PRIVATE KEY');
  });
  it.each([
    ['not pem', KEY, 'tls: failed to find any PEM data in certificate input'],
    [KEY, CERT, 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched'],
    ['-----BEGIN FOO-----\nAA==\n-----END FOO-----\n-----BEGIN BAR-----\nAA==\n-----END BAR-----\n', KEY, 'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [FOO BAR]'],
    [CERT, 'nothing', 'tls: failed to find any PEM data in key input'],
    [CERT, CERT, 'tls: found a certificate rather than a key in the PEM for the private key'],
  ])('%#', (cert, key, want) => expect(msg(() => selectTLSBlocks(b(cert), b(key)))).toBe(want));
});

describe('Namespace and Deployment', () => {
  it('Namespace has empty spec and status, as kubectl writes it', () => {
    expect(typedJSON(buildNamespace('n'))).toBe(
      '{\n    "kind": "Namespace",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "n",\n        "creationTimestamp": null\n    },\n    "spec": {},\n    "status": {}\n}\n',
    );
  });
  it.each([
    ['nginx', 'nginx'],
    ['nginx:1.27', 'nginx'],
    ['registry.io:5000/team/app@sha256:abc', 'app'],
    ['registry.io/x/my_app.v2:3', 'my-app-v2-zzzzz'],
  ])('image %s → container %s', (image, want) => expect(containerNameOf(image, () => 'zzzzz')).toBe(want));
  it('puts the port on the first container only, before resources; the command on each', () => {
    const d = buildDeployment({ name: 'web', images: ['busybox'], replicas: 2, port: 8080, command: ['sleep', '1'], randomSuffix: () => 'x' });
    const c = (d as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec.containers;
    expect(Object.keys(c[0]!)).toEqual(['name', 'image', 'command', 'ports', 'resources']);
    expect(c[0]).toEqual({ name: 'busybox', image: 'busybox', command: ['sleep', '1'], ports: [{ containerPort: 8080 }], resources: {} });
    const two = buildDeployment({ name: 'web', images: ['a', 'b'], replicas: 1, port: -1, command: [], randomSuffix: () => 'x' });
    expect(JSON.stringify(two)).not.toContain('ports');
  });
  it('refuses several images with a command', () => {
    expect(msg(() => buildDeployment({ name: 'w', images: ['a', 'b'], replicas: 1, port: -1, command: ['x'], randomSuffix: () => '' }))).toBe(
      'cannot specify multiple --image options and command',
    );
  });
  it('--save-config stamps the typed JSON of the object (annotation itself excluded) plus a newline', () => {
    const o = withCreateAnnotation(new ConfigMapBuilder('x').addString('a', '1').build());
    expect(o.metadata.annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"data":{"a":"1"}}\n',
    });
  });
});

// The objects `kctl create configmap|secret generic|tls|docker-registry|namespace|deployment` make, as kubectl's
// generators make them (kubectl pkg/cmd/create/create_*.go, v1.32): same fields, same field order (for -o json),
// same error wording. Pure: the command reads the files and hands their bytes to these builders in kubectl's
// order, so errors come out in the order kubectl reports them. Secret values never appear in an error message.
import type { KubeObject } from '../api/types.js';
import { configMapKeyErrors, envVarNameErrors } from '../api/validation/index.js';
import { KctlError } from '../util/errors.js';
import { goJSON } from '../util/go-json.js';

type Obj = Record<string, unknown>;

const invalid = (message: string): KctlError => new KctlError('Invalid', message);

/** Go's %q, close enough for keys and paths (printable text is kept, control bytes escaped). */
export function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u0007/g, '\\a')
    .replace(/\\u000b/g, '\\v')
    .replace(/\\u00([01][0-9a-f])/g, '\\x$1')
    .replace(/\u007f/g, '\\x7f');
}

/** `exactly one NAME is required, got N` with cobra's usage hint (kubectl NameFromCommandArgs). */
export function nameFromCommandArgs(args: readonly string[], argsLenAtDash: number, commandPath: string): string {
  const n = argsLenAtDash === -1 ? args.length : argsLenAtDash;
  if (n !== 1) throw new KctlError('Usage', `exactly one NAME is required, got ${n}\nSee '${commandPath} -h' for help and examples`);
  return args[0]!;
}

// ---- sources (kubectl pkg/util ParseLiteralSource / ParseFileSource, cmd/util AddFromEnvFile)

export const REDACTED = '<redacted>';

/** `key=value` → [key, value]; the value may hold `=` and may be empty. For a Secret the error hides the source. */
export function parseLiteralSource(source: string, secret = false): [string, string] {
  const i = source.indexOf('=');
  if (i <= 0) throw invalid(`invalid literal source ${secret ? REDACTED : source}, expected key=value`);
  return [source.slice(0, i), source.slice(i + 1)];
}

/** Go path.Base on a slash path. */
function pathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** `path` (key: its basename) or `key=path`. */
export function parseFileSource(source: string): { key: string; path: string; keyGiven: boolean } {
  const n = source.split('=').length - 1;
  if (n === 0) return { key: pathBase(source.replace(/\\/g, '/')), path: source, keyGiven: false };
  if (n === 1 && source.startsWith('=')) throw invalid(`key name for file path ${source.slice(1)} missing`);
  if (n === 1 && source.endsWith('=')) throw invalid(`file path for key name ${source.slice(0, -1)} missing`);
  if (n > 1) throw invalid(`key names or file paths cannot contain '='`);
  const [key, path] = source.split('=') as [string, string];
  return { key, path, keyGiven: true };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true });
export function isValidUtf8(b: Uint8Array): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** unicode.IsSpace */
const isSpace = (c: string): boolean => /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(c);

/**
 * The key/value pairs of an env file (kubectl AddFromEnvFile: lines split as bufio.Scanner does, a UTF-8 BOM
 * dropped from the first, leading blanks trimmed, blank and `#` lines skipped, `KEY=value` with the value kept
 * verbatim, a bare `KEY` taken from the environment). Lazy: a bad line throws when reached, as kubectl does.
 */
export function* envFilePairs(
  content: Buffer,
  path: string,
  getenv: (k: string) => string | undefined,
  secret = false,
): Generator<[string, string]> {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < content.length; i++)
    if (content[i] === 0x0a) {
      lines.push(content.subarray(start, i));
      start = i + 1;
    }
  if (start < content.length) lines.push(content.subarray(start));
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    if (!isValidUtf8(line))
      throw invalid(`env file ${path} contains invalid utf8 bytes at line ${n + 1}: ${secret ? REDACTED : `[${[...line].join(' ')}]`}`);
    if (n === 0 && line.subarray(0, 3).equals(UTF8_BOM)) line = line.subarray(3);
    let text = line.toString('utf8');
    let k = 0;
    while (k < text.length && isSpace(text[k]!)) k++;
    text = text.slice(k);
    if (text === '' || text.startsWith('#')) continue;
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    const errs = envVarNameErrors(key);
    if (errs.length > 0) {
      // a Secret's line without `=` may be a value typed without its key: never echo it
      if (secret) throw invalid(`line ${n + 1} of env file ${path} does not start with a valid key name (contents not shown for a Secret): ${errs.join(';')}`);
      throw invalid(`${goQuote(key)} is not a valid key name: ${errs.join(';')}`);
    }
    yield [key, eq < 0 ? (getenv(key) ?? '') : text.slice(eq + 1)];
  }
}

// ---- ConfigMap

export class ConfigMapBuilder {
  private readonly data: Record<string, string> = {};
  private readonly binaryData: Record<string, Buffer> = {};

  constructor(
    readonly name: string,
    readonly namespace?: string,
  ) {}

  private check(key: string): void {
    const errs = configMapKeyErrors(key);
    if (errs.length > 0) throw invalid(`${goQuote(key)} is not a valid key name for a ConfigMap: ${errs.join(',')}`);
    if (Object.hasOwn(this.data, key))
      throw invalid(`cannot add key ${goQuote(key)}, another key by that name already exists in Data for ConfigMap ${goQuote(this.name)}`);
    if (Object.hasOwn(this.binaryData, key))
      throw invalid(`cannot add key ${goQuote(key)}, another key by that name already exists in BinaryData for ConfigMap ${goQuote(this.name)}`);
  }

  /** --from-literal, --from-env-file pairs */
  addString(key: string, value: string): this {
    this.check(key);
    this.data[key] = value;
    return this;
  }

  /** --from-file content: text (valid UTF-8) into data, anything else into binaryData */
  addFile(key: string, content: Buffer): this {
    if (isValidUtf8(content)) return this.addString(key, content.toString('utf8'));
    this.check(key);
    this.binaryData[key] = Buffer.from(content);
    return this;
  }

  build(): KubeObject {
    const cm: Obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: objectMeta(this.name, this.namespace) };
    if (Object.keys(this.data).length > 0) cm.data = sortedRecord(this.data);
    if (Object.keys(this.binaryData).length > 0)
      cm.binaryData = sortedRecord(Object.fromEntries(Object.entries(this.binaryData).map(([k, v]) => [k, v.toString('base64')])));
    return cm as unknown as KubeObject;
  }

  /** kubectl --append-hash (hash.ConfigMapHash): name-<10 chars of sha256 over kind/name/data/binaryData> */
  hashInput(): string {
    const m: Obj = { data: sortedRecord(this.data), kind: 'ConfigMap', name: this.name };
    if (Object.keys(this.binaryData).length > 0)
      m.binaryData = sortedRecord(Object.fromEntries(Object.entries(this.binaryData).map(([k, v]) => [k, v.toString('base64')])));
    return goJSON(m);
  }
}

// ---- Secret

export class SecretBuilder {
  private readonly data: Record<string, Buffer> = {};

  constructor(
    readonly name: string,
    readonly namespace: string | undefined,
    readonly type: string,
  ) {}

  /** any source: --from-literal, --from-file, --from-env-file, the generated tls/docker keys */
  add(key: string, value: Buffer | string): this {
    const errs = configMapKeyErrors(key);
    if (errs.length > 0) throw invalid(`${goQuote(key)} is not valid key name for a Secret ${errs.join(';')}`);
    if (Object.hasOwn(this.data, key)) throw invalid(`cannot add key ${key}, another key by that name already exists`);
    this.data[key] = Buffer.from(value);
    return this;
  }

  private encoded(): Record<string, string> {
    return sortedRecord(Object.fromEntries(Object.entries(this.data).map(([k, v]) => [k, v.toString('base64')])));
  }

  build(): KubeObject {
    const s: Obj = { kind: 'Secret', apiVersion: 'v1', metadata: objectMeta(this.name, this.namespace) };
    if (Object.keys(this.data).length > 0) s.data = this.encoded();
    if (this.type) s.type = this.type;
    return s as unknown as KubeObject;
  }

  /** kubectl --append-hash (hash.SecretHash): over kind/type/name/data */
  hashInput(): string {
    return goJSON({ data: this.encoded(), kind: 'Secret', name: this.name, type: this.type });
  }
}

/** hash.encodeHash: the first 10 hex digits of the sha256, with 0 1 3 a e swapped for g h k m t (no vowels). */
export function encodeHash(sha256Hex: string): string {
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...sha256Hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/** `.dockerconfigjson` for docker-registry: Go's json.Marshal of {"auths":{server:{username,password,email,auth}}}. */
export function dockerConfigJSON(o: { server: string; username: string; password: string; email?: string }): Buffer {
  const entry: Obj = {};
  if (o.username) entry.username = o.username;
  if (o.password) entry.password = o.password;
  if (o.email) entry.email = o.email;
  const auth = Buffer.from(`${o.username}:${o.password}`).toString('base64');
  if (auth) entry.auth = auth;
  return Buffer.from(goCompactJSON({ auths: { [o.server]: entry } }));
}

export const DEFAULT_DOCKER_SERVER = 'https://index.docker.io/v1/';

// ---- TLS (crypto/tls X509KeyPair's checks and wording)

interface PemBlock {
  type: string;
  /** the block's full PEM text */
  text: string;
}

/** The PEM blocks in data, in order (encoding/pem Decode: BEGIN/END lines with matching types). */
export function pemBlocks(data: Buffer): PemBlock[] {
  const text = data.toString('latin1');
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ type: m[1]!, text: m[0] });
  return out;
}

/** Which blocks X509KeyPair takes: the certificates, and the first private key; Go's errors otherwise. */
export function selectTLSBlocks(cert: Buffer, key: Buffer): { certs: PemBlock[]; key: PemBlock } {
  const certBlocks = pemBlocks(cert);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  const skipped = certBlocks.filter((b) => b.type !== 'CERTIFICATE').map((b) => b.type);
  if (certs.length === 0) {
    if (skipped.length === 0) throw invalid('tls: failed to find any PEM data in certificate input');
    if (skipped.length === 1 && skipped[0]!.endsWith('PRIVATE KEY'))
      throw invalid('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    throw invalid(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${skipped.join(' ')}]`);
  }
  const keySkipped: string[] = [];
  for (const b of pemBlocks(key)) {
    if (b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) return { certs, key: b };
    keySkipped.push(b.type);
  }
  if (keySkipped.length === 0) throw invalid('tls: failed to find any PEM data in key input');
  if (keySkipped.length === 1 && keySkipped[0] === 'CERTIFICATE') throw invalid('tls: found a certificate rather than a key in the PEM for the private key');
  throw invalid(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keySkipped.join(' ')}]`);
}

/** The kubernetes.io/tls Secret (the files' bytes as given, after the command checked the pair). */
export function buildTLSSecret(name: string, namespace: string | undefined, cert: Buffer, key: Buffer): SecretBuilder {
  return new SecretBuilder(name, namespace, 'kubernetes.io/tls').add('tls.crt', cert).add('tls.key', key);
}

// ---- Namespace, Deployment

export function buildNamespace(name: string): KubeObject {
  return { kind: 'Namespace', apiVersion: 'v1', metadata: objectMeta(name, undefined), spec: {}, status: {} } as unknown as KubeObject;
}

export interface DeploymentArgs {
  name: string;
  namespace?: string;
  images: string[];
  replicas: number;
  /** -1: no port */
  port: number;
  command: string[];
  /** utilrand.String(5) for container names that had to be sanitized */
  randomSuffix: () => string;
}

/** Container name from an image: the last path part without tag/digest; `_`/`.` → `-` plus a random suffix. */
export function containerNameOf(image: string, randomSuffix: () => string): string {
  let name = image.split('/').at(-1)!;
  if (name.includes(':')) name = name.split(':')[0]!;
  if (name.includes('@')) name = name.split('@')[0]!;
  if (/[_.]/.test(name)) name = `${name.replace(/_/g, '-').replace(/\./g, '-')}-${randomSuffix()}`;
  return name;
}

export function buildDeployment(a: DeploymentArgs): KubeObject {
  if (a.images.length > 1 && a.command.length > 0) throw invalid('cannot specify multiple --image options and command');
  const labels = { app: a.name };
  const containers: Obj[] = a.images.map((image) => ({
    name: containerNameOf(image, a.randomSuffix),
    image,
    ...(a.command.length > 0 ? { command: [...a.command] } : {}),
    resources: {},
  }));
  if (a.port >= 0 && containers.length > 0) {
    const { resources, ...rest } = containers[0]!;
    containers[0] = { ...rest, ports: [{ containerPort: a.port }], resources };
  }
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { ...objectMeta(a.name, a.namespace), labels: { ...labels } },
    spec: {
      replicas: a.replicas,
      selector: { matchLabels: { ...labels } },
      template: { metadata: { creationTimestamp: null, labels: { ...labels } }, spec: { containers } },
      strategy: {},
    },
    status: {},
  } as unknown as KubeObject;
}

/** utilrand.String: lower-case consonants and digits without vowels or look-alikes. */
export const RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// ---- output as kubectl writes a typed object

function objectMeta(name: string, namespace: string | undefined): Obj {
  return namespace ? { name, namespace, creationTimestamp: null } : { name, creationTimestamp: null };
}

/** kubectl --save-config on a generated object: the annotation holds the typed object as compact JSON. */
export function withCreateAnnotation(obj: KubeObject): KubeObject {
  const value = `${goCompactJSON(obj)}\n`;
  const meta = obj.metadata as unknown as Obj;
  const annotations = { ...((meta.annotations as Obj | undefined) ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': value };
  // ObjectMeta's field order: annotations come after creationTimestamp and labels
  return { ...obj, metadata: { ...meta, annotations } } as unknown as KubeObject;
}

const escapeGo = (s: string): string => s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** json.Marshal of a typed object: fields in the order given (struct order, unlike util/go-json's sorted maps),
 *  HTML-safe escapes. */
export function goCompactJSON(v: unknown): string {
  return escapeGo(JSON.stringify(v));
}

/** kubectl -o json of a typed object (4-space MarshalIndent, struct field order) */
export function typedJSON(v: unknown): string {
  return `${escapeGo(JSON.stringify(v, null, 4))}\n`;
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
}

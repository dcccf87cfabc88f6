// kctl create -f: create each object; an existing one is an AlreadyExists error for that object only.
// kctl create configmap|secret generic|secret tls|secret docker-registry|namespace|deployment NAME ...: kubectl's
// generators (create-generators.ts builds the objects; this module reads the files they name). With
// --dry-run=client -o yaml they print what kubectl prints, byte for byte; otherwise the object is validated as
// the API server would and created.
import type { Command } from 'commander';
import type { Stats } from 'node:fs';
import { kindByKind, qualifiedKind, type KindInfo } from '../../api/kinds.js';
import { notEnforcedWarnings } from '../../api/kind-support.js';
import type { KubeObject } from '../../api/types.js';
import type { ValidateMode } from '../../api/validate.js';
import { KctlError, MultiError, SilentExit, ValidationError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { collect, kustomizeOption, dryRunSuffix, parseDryRun, parseIntFlag, parseValidate, type DryRun } from '../flags.js';
import { loadAndValidate, targetNamespace, type ManifestFlags } from '../manifests.js';
import { afterMutation } from '../mutation.js';
import { printObjects } from '../output.js';
import type { ConfigMapBuilder, SecretBuilder } from '../create-generators.js';
import { recordFieldManager } from '../managed-fields.js';

export interface CreateOptions extends ManifestFlags {
  dryRun: DryRun;
  output?: string;
  validate: ReturnType<typeof parseValidate>;
  saveConfig: boolean;
}

export async function runCreate(o: CreateOptions, ctx: CliContext): Promise<void> {
  const manifests = await loadAndValidate(ctx, o, { mode: o.validate, verb: 'create' });
  for (const w of notEnforcedWarnings(manifests.map((m) => m.kind))) ctx.warn(w);
  const { withLastApplied, setDefaultNamespace } = await import('../../apply/last-applied.js');
  const store = await ctx.store();
  const errors: KctlError[] = [];
  const printed: KubeObject[] = [];
  let wrote = false;
  for (const m of manifests) {
    try {
      let obj = setDefaultNamespace(m.object, targetNamespace(ctx, m));
      if (o.saveConfig) obj = withLastApplied(obj);
      if (o.dryRun === 'none') {
        obj = await store.create(await recordFieldManager(ctx, undefined, obj, 'kubectl-create'));
        wrote = true;
      } else if (await store.tryGet({ resource: m.kind.plural, namespace: obj.metadata.namespace, name: obj.metadata.name })) {
        const { AlreadyExistsError } = await import('../../util/errors.js');
        const { qualifiedResource } = await import('../../api/kinds.js');
        throw new AlreadyExistsError(qualifiedResource(m.kind), obj.metadata.name);
      }
      if (o.output) printed.push(obj);
      else ctx.out(`${qualifiedKind(m.kind)}/${obj.metadata.name} created${dryRunSuffix(o.dryRun)}\n`);
    } catch (e) {
      if (!(e instanceof KctlError)) throw e;
      if (!e.source) e.source = m.sourced.source.replace(/#\d+$/, '');
      errors.push(e);
    }
  }
  if (o.output && printed.length > 0) await printObjects(ctx, printed, { output: o.output, eachObject: true });
  if (wrote) await afterMutation(ctx);
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
}

// ---------------------------------------------------------------------------------------------------
// generators

/** Flags every generator has (kubectl's print, dry-run, apply-annotation and validate flags). */
export interface GeneratorOptions {
  dryRun: DryRun;
  output?: string;
  saveConfig: boolean;
  validate: ValidateMode;
  /** -n given: the object carries it (kubectl's EnforceNamespace) */
  namespace?: string;
}

/** How kubectl words a failed create for each generator (create_*.go wrap the server's error). */
const CREATE_FAILED: Record<string, (msg: string) => string> = {
  ConfigMap: (m) => `failed to create configmap: ${m}`,
  Secret: (m) => `failed to create secret ${m}`,
  Deployment: (m) => `failed to create deployment: ${m}`,
};

function wrapCreateError(kind: string, e: unknown): unknown {
  const wrap = CREATE_FAILED[kind];
  if (!wrap || !(e instanceof KctlError)) return e;
  // the API server's message, as kubectl prints it inside its own ("ConfigMap "x" is invalid: ...")
  const msg = e instanceof ValidationError ? e.message.replace(/^The /, '') : e.message;
  // kubectl's wrapping turns the API error into a plain one: `error: failed to create ...`, exit 1
  return new KctlError('Invalid', wrap(msg), { cause: e });
}

/**
 * The end every generator shares: --save-config, then print (client dry run) or validate and create (as the
 * API server would), then print `kind/name created` or the -o format.
 */
export async function finishGenerated(obj: KubeObject, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const g = await import('../create-generators.js');
  if (o.saveConfig) obj = g.withCreateAnnotation(obj);
  const ki = kindByKind(obj.apiVersion, obj.kind)!;
  if (o.dryRun === 'client') return printGenerated(obj, ki, o, ctx, true);
  const toStore = structuredClone(obj);
  if (ki.namespaced) toStore.metadata.namespace ||= ctx.namespace();
  const { validateObject } = await import('../../api/validate.js');
  const found = await validateObject(toStore, { mode: o.validate });
  for (const w of found.filter((f) => f.severity === 'warning')) ctx.warn(`${w.path}: ${w.message}`);
  const bad = found.filter((f) => f.severity !== 'warning');
  try {
    if (bad.length > 0) throw new ValidationError(obj.kind, toStore.metadata.name, bad);
    const store = await ctx.store();
    if (o.dryRun === 'server') {
      if (await store.tryGet({ resource: ki.plural, namespace: toStore.metadata.namespace, name: toStore.metadata.name })) {
        const { AlreadyExistsError } = await import('../../util/errors.js');
        const { qualifiedResource } = await import('../../api/kinds.js');
        throw new AlreadyExistsError(qualifiedResource(ki), toStore.metadata.name);
      }
      return printGenerated(toStore, ki, o, ctx, false);
    }
    const created = await store.create(await recordFieldManager(ctx, undefined, toStore, 'kubectl-create'));
    await printGenerated(created, ki, o, ctx, false);
  } catch (e) {
    throw wrapCreateError(obj.kind, e);
  }
  await afterMutation(ctx);
}

async function printGenerated(obj: KubeObject, ki: KindInfo, o: GeneratorOptions, ctx: CliContext, typed: boolean): Promise<void> {
  if (!o.output) return ctx.out(`${qualifiedKind(ki)}/${obj.metadata.name} created${dryRunSuffix(o.dryRun)}\n`);
  // kubectl prints a generated (typed) object's JSON in Go struct field order; YAML is sorted either way
  if (typed && o.output === 'json') return ctx.out((await import('../create-generators.js')).typedJSON(obj));
  await printObjects(ctx, obj, { output: o.output });
}

// ---- reading the files a generator names (Go's error wording)

const GO_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
};
const goErrno = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return GO_ERRNO[err.code ?? ''] ?? err.message;
};

interface FileAccess {
  stat(path: string): Promise<Stats>;
  /** os.ReadFile: errors `open PATH: ...` / `read PATH: is a directory` */
  read(path: string): Promise<Buffer>;
  /** os.ReadDir: entries sorted by name */
  readDir(path: string): Promise<{ name: string; regular: boolean }[]>;
}

async function fileAccess(ctx: CliContext): Promise<FileAccess> {
  const fs = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  const abs = (p: string): string => (ctx.io.cwd ? resolve(ctx.io.cwd, p) : resolve(p));
  return {
    async stat(path) {
      try {
        return await fs.stat(abs(path));
      } catch (e) {
        throw new KctlError('Invalid', `error reading ${path}: ${goErrno(e)}`);
      }
    },
    async read(path) {
      try {
        return await fs.readFile(abs(path));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new KctlError('Invalid', `${code === 'EISDIR' ? 'read' : 'open'} ${path}: ${goErrno(e)}`);
      }
    },
    async readDir(path) {
      try {
        const entries = await fs.readdir(abs(path), { withFileTypes: true });
        return entries.map((d) => ({ name: d.name, regular: d.isFile() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (e) {
        throw new KctlError('Invalid', `error listing files in ${path}: ${goErrno(e)}`);
      }
    },
  };
}

/** --from-file sources in order: a file (key: basename or given), or every regular file of a directory. */
async function addFileSources(sources: string[], fa: FileAccess, add: (key: string, data: Buffer) => void): Promise<void> {
  const { parseFileSource } = await import('../create-generators.js');
  const { join } = await import('node:path');
  for (const source of sources) {
    const { key, path, keyGiven } = parseFileSource(source);
    const st = await fa.stat(path);
    if (st.isDirectory()) {
      if (keyGiven) throw new KctlError('Invalid', 'cannot give a key name for a directory path');
      for (const item of await fa.readDir(path)) if (item.regular) add(item.name, await fa.read(join(path, item.name)));
    } else add(key, await fa.read(path));
  }
}

/** --from-env-file sources in order. */
async function addEnvFileSources(
  sources: string[],
  fa: FileAccess,
  ctx: CliContext,
  dirError: string,
  secret: boolean,
  add: (key: string, value: string) => void,
): Promise<void> {
  const { envFilePairs } = await import('../create-generators.js');
  for (const path of sources) {
    const st = await fa.stat(path);
    if (st.isDirectory()) throw new KctlError('Invalid', dirError);
    for (const [k, v] of envFilePairs(await fa.read(path), path, (name) => ctx.io.env[name], secret)) add(k, v);
  }
}

// ---- the generators' options (Flags → Options) and runs

type Flags = Record<string, unknown>;

export function toGeneratorOptions(f: Flags, ctx: Pick<CliContext, 'namespace' | 'namespaceExplicit'>): GeneratorOptions {
  return {
    dryRun: parseDryRun(f.dryRun as string | boolean | undefined),
    output: f.output as string | undefined,
    saveConfig: Boolean(f.saveConfig),
    validate: parseValidate(f.validate as string | boolean | undefined),
    namespace: ctx.namespaceExplicit() ? ctx.namespace() : undefined,
  };
}

export interface DataSourceOptions {
  name: string;
  fromLiteral: string[];
  fromFile: string[];
  fromEnvFile: string[];
  appendHash: boolean;
}

function toDataSources(name: string, f: Flags): DataSourceOptions {
  const o: DataSourceOptions = {
    name,
    fromLiteral: (f.fromLiteral as string[] | undefined) ?? [],
    fromFile: (f.fromFile as string[] | undefined) ?? [],
    fromEnvFile: (f.fromEnvFile as string[] | undefined) ?? [],
    appendHash: Boolean(f.appendHash),
  };
  if (!o.name) throw new KctlError('Invalid', 'name must be specified');
  if (o.fromEnvFile.length > 0 && (o.fromFile.length > 0 || o.fromLiteral.length > 0))
    throw new KctlError('Invalid', 'from-env-file cannot be combined with from-file or from-literal');
  return o;
}

async function sha256Hex(s: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(s).digest('hex');
}

export async function runCreateConfigMap(s: DataSourceOptions, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const g = await import('../create-generators.js');
  const fa = await fileAccess(ctx);
  const cm: ConfigMapBuilder = new g.ConfigMapBuilder(s.name, o.namespace);
  // kubectl's order: files, literals, env files
  await addFileSources(s.fromFile, fa, (k, d) => cm.addFile(k, d));
  for (const l of s.fromLiteral) cm.addString(...g.parseLiteralSource(l));
  await addEnvFileSources(s.fromEnvFile, fa, ctx, 'env config file cannot be a directory', false, (k, v) => cm.addString(k, v));
  const obj = cm.build();
  if (s.appendHash) obj.metadata.name = `${s.name}-${g.encodeHash(await sha256Hex(cm.hashInput()))}`;
  await finishGenerated(obj, o, ctx);
}

async function finishSecret(sec: SecretBuilder, appendHash: boolean, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const g = await import('../create-generators.js');
  const obj = sec.build();
  if (appendHash) obj.metadata.name = `${sec.name}-${g.encodeHash(await sha256Hex(sec.hashInput()))}`;
  await finishGenerated(obj, o, ctx);
}

export async function runCreateSecretGeneric(s: DataSourceOptions & { type: string }, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const g = await import('../create-generators.js');
  const fa = await fileAccess(ctx);
  const sec = new g.SecretBuilder(s.name, o.namespace, s.type);
  // kubectl's order: literals, files, env files
  for (const l of s.fromLiteral) sec.add(...g.parseLiteralSource(l, true));
  await addFileSources(s.fromFile, fa, (k, d) => sec.add(k, d));
  await addEnvFileSources(s.fromEnvFile, fa, ctx, 'env secret file cannot be a directory', true, (k, v) => sec.add(k, v));
  await finishSecret(sec, s.appendHash, o, ctx);
}

export interface TLSOptions {
  name: string;
  cert: string;
  key: string;
  appendHash: boolean;
}

/** crypto/tls X509KeyPair: the PEM blocks are found, parse, and the key belongs to the certificate. */
async function checkX509KeyPair(cert: Buffer, key: Buffer): Promise<void> {
  const { selectTLSBlocks } = await import('../create-generators.js');
  const blocks = selectTLSBlocks(cert, key);
  const { X509Certificate, createPrivateKey } = await import('node:crypto');
  let x509: InstanceType<typeof X509Certificate>;
  try {
    x509 = new X509Certificate(blocks.certs[0]!.text);
  } catch {
    throw new KctlError('Invalid', 'x509: malformed certificate');
  }
  let priv: ReturnType<typeof createPrivateKey>;
  try {
    priv = createPrivateKey({ key: blocks.key.text, format: 'pem' });
  } catch {
    throw new KctlError('Invalid', 'tls: failed to parse private key');
  }
  const pubType = x509.publicKey.asymmetricKeyType;
  if (pubType !== 'rsa' && pubType !== 'ec' && pubType !== 'ed25519') throw new KctlError('Invalid', 'tls: unknown public key algorithm');
  if (priv.asymmetricKeyType !== pubType) throw new KctlError('Invalid', 'tls: private key type does not match public key type');
  if (!x509.checkPrivateKey(priv)) throw new KctlError('Invalid', 'tls: private key does not match public key');
}

export async function runCreateSecretTLS(s: TLSOptions, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  if (!s.name) throw new KctlError('Invalid', 'name must be specified');
  if (!s.key || !s.cert) throw new KctlError('Invalid', 'key and cert must be specified');
  const fa = await fileAccess(ctx);
  const read = async (p: string): Promise<Buffer> => {
    try {
      return await fa.read(p);
    } catch (e) {
      throw new KctlError('Invalid', `Cannot read file ${p}, ${(e as Error).message}`);
    }
  };
  const cert = await read(s.cert);
  const key = await read(s.key);
  await checkX509KeyPair(cert, key);
  const { buildTLSSecret } = await import('../create-generators.js');
  await finishSecret(buildTLSSecret(s.name, o.namespace, cert, key), s.appendHash, o, ctx);
}

export interface DockerRegistryOptions {
  name: string;
  username: string;
  password: string;
  email: string;
  server: string;
  fromFile: string[];
  appendHash: boolean;
}

export async function runCreateSecretDockerRegistry(s: DockerRegistryOptions, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  if (!s.name) throw new KctlError('Invalid', 'name must be specified');
  if (s.fromFile.length === 0 && (!s.username || !s.password || !s.server))
    throw new KctlError('Invalid', 'either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
  const g = await import('../create-generators.js');
  const sec = new g.SecretBuilder(s.name, o.namespace, 'kubernetes.io/dockerconfigjson');
  if (s.fromFile.length > 0) await addFileSources(s.fromFile, await fileAccess(ctx), (k, d) => sec.add(k, d));
  else sec.add('.dockerconfigjson', g.dockerConfigJSON(s));
  await finishSecret(sec, s.appendHash, o, ctx);
}

export async function runCreateNamespace(name: string, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const { buildNamespace } = await import('../create-generators.js');
  await finishGenerated(buildNamespace(name), { ...o, namespace: undefined }, ctx);
}

export interface CreateDeploymentOptions {
  name: string;
  images: string[];
  replicas: number;
  port: number;
  command: string[];
}

export async function runCreateDeployment(d: CreateDeploymentOptions, o: GeneratorOptions, ctx: CliContext): Promise<void> {
  const g = await import('../create-generators.js');
  const { randomInt } = await import('../../util/ids.js');
  const randomSuffix = (): string => Array.from({ length: 5 }, () => g.RAND_ALPHABET[randomInt(g.RAND_ALPHABET.length)]).join('');
  await finishGenerated(g.buildDeployment({ ...d, namespace: o.namespace, randomSuffix }), o, ctx);
}

// ---------------------------------------------------------------------------------------------------
// commander wiring

/** kubectl's ArgsLenAtDash: how many of args came before a `--` on the command line (-1: no `--`). */
function argsLenAtDash(cmd: Command, args: string[]): number {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  const raw = (root as Command & { rawArgs?: string[] }).rawArgs ?? [];
  const dash = raw.indexOf('--');
  return dash < 0 ? -1 : Math.max(0, args.length - (raw.length - dash - 1));
}

/** This command's flags merged over its parents' (`create` also defines -o/--dry-run/...: commander hands them
 *  to the parent when they follow the subcommand). */
const flagsOf = (cmd: Command): Flags => cmd.optsWithGlobals();

const commandPath = (cmd: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

function addCommonFlags(cmd: Command): Command {
  return cmd
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it.')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|jsonpath=...|jsonpath-file=...|custom-columns=...')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).')
    .allowExcessArguments();
}

function addDataSourceFlags(cmd: Command, what: string): Command {
  return cmd
    .option('--from-file <source>', `Key file can be specified using its file path, in which case file basename will be used as ${what} key, or optionally with a key and file path, in which case the given key will be used. Specifying a directory will iterate each named file in the directory whose basename is a valid ${what} key. (repeatable)`, collect)
    .option('--from-literal <key=value>', `Specify a key and literal value to insert in ${what} (i.e. mykey=somevalue) (repeatable)`, (v: string, prev: string[] = []) => [...prev, v])
    .option('--from-env-file <path>', `Specify the path to a file to read lines of key=val pairs to create a ${what}. (repeatable)`, collect)
    .option('--append-hash', `Append a hash of the ${what} to its name.`);
}

function name(cmd: Command, args: string[]): Promise<string> {
  return import('../create-generators.js').then((g) => g.nameFromCommandArgs(args, argsLenAtDash(cmd, args), commandPath(cmd)));
}

function registerGenerators(create: Command, ctx: CliContext): void {
  const cm = create.command('configmap').alias('cm').description('Create a config map from a local file, directory or literal value').usage('NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]');
  addDataSourceFlags(addCommonFlags(cm), 'configmap').action(async (_f: Flags, cmd: Command) => {
    const f = flagsOf(cmd);
    await runCreateConfigMap(toDataSources(await name(cmd, cmd.args), f), toGeneratorOptions(f, ctx), ctx);
  });

  const secret = create
    .command('secret')
    .description('Create a secret using a specified subcommand')
    .usage('(docker-registry | generic | tls)')
    .allowExcessArguments()
    .action(async (_f: Flags, cmd: Command) => {
      // kubectl DefaultSubCommandRun: help on its own, exit 1
      if (cmd.args.length > 0) throw new KctlError('Usage', `unknown command "${cmd.args[0]}"\nSee '${commandPath(cmd)} -h' for help and examples`);
      ctx.err(cmd.helpInformation());
      throw new SilentExit(1);
    });

  const generic = secret.command('generic').description('Create a secret from a local file, directory, or literal value').usage('NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]');
  addDataSourceFlags(addCommonFlags(generic), 'secret')
    .option('--type <type>', 'The type of secret to create')
    .action(async (_f: Flags, cmd: Command) => {
      const f = flagsOf(cmd);
      const s = toDataSources(await name(cmd, cmd.args), f);
      await runCreateSecretGeneric({ ...s, type: (f.type as string | undefined) ?? '' }, toGeneratorOptions(f, ctx), ctx);
    });

  const tls = secret.command('tls').description('Create a TLS secret').usage('NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]');
  addCommonFlags(tls)
    .option('--cert <path>', 'Path to PEM encoded public key certificate.')
    .option('--key <path>', 'Path to private key associated with given certificate.')
    .option('--append-hash', 'Append a hash of the secret to its name.')
    .action(async (_f: Flags, cmd: Command) => {
      const f = flagsOf(cmd);
      const n = await name(cmd, cmd.args);
      await runCreateSecretTLS(
        { name: n, cert: (f.cert as string | undefined) ?? '', key: (f.key as string | undefined) ?? '', appendHash: Boolean(f.appendHash) },
        toGeneratorOptions(f, ctx),
        ctx,
      );
    });

  const docker = secret.command('docker-registry').description('Create a secret for use with a Docker registry').usage('NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]');
  addCommonFlags(docker)
    .option('--docker-username <user>', 'Username for Docker registry authentication')
    .option('--docker-password <password>', 'Password for Docker registry authentication')
    .option('--docker-email <email>', 'Email for Docker registry')
    .option('--docker-server <server>', 'Server location for Docker registry', 'https://index.docker.io/v1/')
    .option('--from-file <source>', 'Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used. (repeatable)', collect)
    .option('--append-hash', 'Append a hash of the secret to its name.')
    .action(async (_f: Flags, cmd: Command) => {
      const f = flagsOf(cmd);
      const n = await name(cmd, cmd.args);
      await runCreateSecretDockerRegistry(
        {
          name: n,
          username: (f.dockerUsername as string | undefined) ?? '',
          password: (f.dockerPassword as string | undefined) ?? '',
          email: (f.dockerEmail as string | undefined) ?? '',
          server: (f.dockerServer as string | undefined) ?? '',
          fromFile: (f.fromFile as string[] | undefined) ?? [],
          appendHash: Boolean(f.appendHash),
        },
        toGeneratorOptions(f, ctx),
        ctx,
      );
    });

  const ns = create.command('namespace').alias('ns').description('Create a namespace with the specified name').usage('NAME [--dry-run=server|client|none]');
  addCommonFlags(ns).action(async (_f: Flags, cmd: Command) => {
    const f = flagsOf(cmd);
    await runCreateNamespace(await name(cmd, cmd.args), toGeneratorOptions(f, ctx), ctx);
  });

  const deploy = create.command('deployment').alias('deploy').description('Create a deployment with the specified name').usage('NAME --image=image -- [COMMAND] [args...]');
  addCommonFlags(deploy)
    .option('--image <image>', 'Image names to run. (repeatable)', collect)
    .option('--port <port>', 'The port that this container exposes.')
    .option('-r, --replicas <n>', 'Number of replicas to create. Default is 1.')
    .action(async (_f: Flags, cmd: Command) => {
      const f = flagsOf(cmd);
      const args = cmd.args;
      const n = await name(cmd, args);
      const images = (f.image as string[] | undefined) ?? [];
      if (images.length === 0) throw new KctlError('Usage', 'required flag(s) "image" not set');
      await runCreateDeployment(
        {
          name: n,
          images,
          replicas: parseIntFlag('-r, --replicas', f.replicas, 1),
          port: parseIntFlag('--port', f.port, -1),
          command: args.slice(1),
        },
        toGeneratorOptions(f, ctx),
        ctx,
      );
    });
}

export function register(program: Command, ctx: CliContext): void {
  const create = kustomizeOption(program.command('create'))
    .description('Create a resource from a file or from stdin')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files to use to create the resource (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run [strategy]', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format. One of: json|yaml|name|...')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .option('--validate [mode]', 'Must be one of: strict (or true), warn, ignore (or false).')
    .allowExcessArguments()
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      if (cmd.args.length > 0) throw new KctlError('Usage', `Unexpected args: [${cmd.args.join(' ')}]\nSee 'kctl create -h' for help and examples`);
      await runCreate(
        {
          filename: flags.filename as string[] | undefined,
          recursive: Boolean(flags.recursive),
          dryRun: parseDryRun(flags.dryRun as string | undefined),
          output: flags.output as string | undefined,
          validate: parseValidate(flags.validate as string | undefined),
          saveConfig: Boolean(flags.saveConfig),
        },
        ctx,
      );
    });
  registerGenerators(create, ctx);
}

// Coded errors: `code` is a stable identifier (never renamed); `source` points at "file:line:col" or "file#doc".
export type ErrorCode =
  | 'Usage'
  | 'Invalid'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'ManifestParse'
  | 'Internal'
  | 'Runtime'
  | 'RuntimeNotFound'
  | 'RuntimeConflict'
  | 'Timeout'
  | 'Expired'
  | 'Forbidden'
  | 'Aggregate';

export class KctlError extends Error {
  readonly code: ErrorCode;
  source?: string;
  constructor(code: ErrorCode, message: string, opts: { source?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    if (opts.source) this.source = opts.source;
  }
  /** exit code override (kctl diff: errors exit 2 because 1 means "differences found") */
  exitCodeOverride?: number;
  /** Exit code the CLI uses when this error ends a command. */
  get exitCode(): number {
    return this.exitCodeOverride ?? 1;
  }
}

/** Bad flags or arguments: printed with a hint to see --help. */
export class UsageError extends KctlError {
  constructor(message: string) {
    super('Usage', message);
  }
}

export interface FieldError {
  /** Dotted Kubernetes field path, e.g. spec.template.spec.containers[0].image */
  path: string;
  /** the same path as segments (['spec','template','spec','containers',0,'image']), to find its position */
  segments?: (string | number)[];
  message: string;
  /** "file:line:col" of the offending node, when it came from a file. */
  source?: string;
  /** warnings do not fail validation unless --validate=strict turns them into errors */
  severity?: 'error' | 'warning';
}

/** `The Deployment "web" is invalid: spec.replicas: must be >= 0` */
export class ValidationError extends KctlError {
  readonly kind: string;
  readonly objectName: string;
  readonly fields: FieldError[];
  constructor(kind: string, name: string, fields: FieldError[], source?: string) {
    super('Invalid', `The ${kind} "${name}" is invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join(', ')}`, {
      source,
    });
    this.kind = kind;
    this.objectName = name;
    this.fields = fields;
  }
}

/** `deployments.apps "web" not found` */
export class NotFoundError extends KctlError {
  constructor(resource: string, name: string) {
    super('NotFound', `${resource} "${name}" not found`);
  }
}

export class AlreadyExistsError extends KctlError {
  constructor(resource: string, name: string) {
    super('AlreadyExists', `${resource} "${name}" already exists`);
  }
}

/** Stale resourceVersion: `Operation cannot be fulfilled on deployments.apps "web": the object has been modified; ...` */
export class ConflictError extends KctlError {
  constructor(resource: string, name: string, detail = 'the object has been modified; please apply your changes to the latest version and try again') {
    super('Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${detail}`);
  }
}

export class ManifestError extends KctlError {
  constructor(message: string, source?: string, cause?: unknown) {
    super('ManifestParse', message, { source, cause });
  }
}

/** Several independent failures (apply -f dir continues on error); exit 1 after all. */
export class MultiError extends KctlError {
  readonly errors: KctlError[];
  constructor(errors: KctlError[]) {
    super('Aggregate', errors.map((e) => e.message).join('\n'));
    this.errors = errors;
  }
}

/** A command that ran fine but must exit non-zero (kctl diff exits 1 when there are differences). */
export class SilentExit extends KctlError {
  readonly status: number;
  constructor(status: number) {
    super('Internal', '');
    this.status = status;
  }
  override get exitCode(): number {
    return this.status;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KctlError && e.code === 'NotFound';

/** Runs a store call; NotFound (the object went meanwhile) gives undefined instead of an error. */
export async function ignoreNotFound<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}
export const isConflict = (e: unknown): boolean => e instanceof KctlError && e.code === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof KctlError && e.code === 'AlreadyExists';

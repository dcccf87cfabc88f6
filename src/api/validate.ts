// Validates one object against its kind's JSON schema (schemas/, compiled at build time into standalone ajv
// validators in dist/validators/<schemaId>.js) plus the semantic checks the API server makes (validation/).
// Only the validator module of the kind being validated is imported, on first use; the ajv compiler is never
// loaded on the CLI path (the fallback that compiles schemas/ in memory exists for unit tests run without a build).
import type { FieldError } from '../util/errors.js';
import { KINDS, apiVersionOf, kindByKind, schemaId, type KindInfo } from './kinds.js';
import { QUANTITY_FORMAT_ERROR, QUANTITY_PATTERN } from './quantity.js';
import { goValue, unsupportedFieldWarnings, validateKindSemantics, validateSemantics } from './validation/index.js';

export { unsupportedFieldWarnings } from './validation/index.js';

export type ValidateMode = 'strict' | 'warn' | 'ignore';

export interface ValidateOptions {
  /**
   * kubectl --validate (default strict): unknown fields are errors (strict), warnings (warn) or dropped silently
   * (ignore). In warn and ignore modes unknown fields are removed from obj (mutates), as the API server drops them.
   */
  mode?: ValidateMode;
  /** report fields kctl accepts but cannot honour (affinity, tolerations, ...) as warnings; default true */
  warnUnsupported?: boolean;
}

/** The part of an ajv error object the conversion reads (the validators are compiled with verbose: true). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  parentSchema?: { properties?: Record<string, unknown> };
  data?: unknown;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** A loaded validator for one kind. */
export interface KindValidator {
  schemaId: string;
  validate: SchemaValidator;
  /** generic paths ("spec.template.spec.nodeSelector", "...containers[].resources.limits") of map fields */
  mapFields: ReadonlySet<string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const cache = new Map<string, Promise<KindValidator>>();

const isModuleNotFound = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string } | null;
  return (
    err?.code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find module|Failed to load url|Does the file exist/i.test(String(err?.message ?? ''))
  );
};

async function importValidator(id: string): Promise<KindValidator> {
  // Only ids from the kind table: the id becomes part of a module URL.
  if (!KINDS.some((k) => schemaId(k) === id)) throw new Error(`no schema for ${JSON.stringify(id)}`);
  let mod: { validate: SchemaValidator; mapFields: readonly string[] };
  try {
    mod = await import(new URL(`../validators/${id}.js`, import.meta.url).href);
  } catch (e) {
    if (!isModuleNotFound(e)) throw e;
    // No build output next to this module (vitest runs src/): compile schemas/ in memory. Dev/test only.
    const dev = await import(new URL('../../scripts/compile-schemas.mjs', import.meta.url).href);
    mod = await dev.compileValidator(id);
  }
  return { schemaId: id, validate: mod.validate, mapFields: new Set(mod.mapFields) };
}

/** Imports (once) the standalone validator for a schema id such as "apps.v1.Deployment". */
export function loadValidator(id: string): Promise<KindValidator> {
  let p = cache.get(id);
  if (!p) {
    p = importValidator(id);
    cache.set(id, p);
    p.catch(() => cache.delete(id));
  }
  return p;
}

/**
 * apiVersion/kind of a manifest object: the kind kctl serves, or errors worded as kubectl's
 * (`kind not set`, `no matches for kind "Foo" in version "bar/v1" (ensure CRDs are installed first)`).
 */
export function checkTypeMeta(obj: unknown): { kind?: KindInfo; errors: FieldError[] } {
  if (!isObj(obj)) return { errors: [{ path: '', segments: [], message: 'invalid object to validate', severity: 'error' }] };
  const errors: FieldError[] = [];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '')
    errors.push({ path: 'apiVersion', segments: ['apiVersion'], message: 'apiVersion not set', severity: 'error' });
  if (typeof kind !== 'string' || kind === '') errors.push({ path: 'kind', segments: ['kind'], message: 'kind not set', severity: 'error' });
  if (errors.length) return { errors };
  const ki = kindByKind(apiVersion as string, kind as string);
  if (!ki)
    return {
      errors: [
        {
          path: 'kind',
          segments: ['kind'],
          message: `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)} (ensure CRDs are installed first)`,
          severity: 'error',
        },
      ],
    };
  return { kind: ki, errors: [] };
}

/**
 * Validates one manifest object: apiVersion/kind, the kind's schema, names, semantic checks and (warnings)
 * fields kctl does not honour. Severity 'error' fails the object; 'warning' is reported and the object applied.
 * The result already reflects `mode`: callers must not escalate warnings to errors.
 */
export async function validateObject(obj: unknown, opts: ValidateOptions = {}): Promise<FieldError[]> {
  const head = checkTypeMeta(obj);
  if (!head.kind) return head.errors;
  return validateWith(await loadValidator(schemaId(head.kind)), obj, opts);
}

/** Synchronous validateObject for a validator already loaded with loadValidator() (batch callers preload). */
export function validateWith(v: KindValidator, obj: unknown, opts: ValidateOptions = {}): FieldError[] {
  const head = checkTypeMeta(obj);
  if (!head.kind) return head.errors;
  const ki = head.kind;
  if (schemaId(ki) !== v.schemaId) throw new Error(`validator ${v.schemaId} cannot validate ${apiVersionOf(ki)} ${ki.kind}`);
  const mode = opts.mode ?? 'strict';
  const original = obj as Obj;
  // JSON null means "unset" to the API server: validate a copy without them.
  const data = withoutNulls(structuredClone(original)) as Obj;
  const out: FieldError[] = [];
  v.validate(data);
  const unknown: (string | number)[][] = [];
  for (const e of v.validate.errors ?? []) {
    const { segments, text } = fieldPathOf(e.instancePath, data, v.mapFields);
    // a Secret's data/stringData values are never echoed: they may be the secret itself
    const redact = ki.kind === 'Secret' && (segments[0] === 'data' || segments[0] === 'stringData') && segments.length > 1;
    const shown = (x: unknown): string => (redact ? '"<redacted>"' : goValue(x));
    const at = (extra?: string) =>
      extra === undefined ? { path: text, segments } : { path: text ? `${text}.${extra}` : extra, segments: [...segments, extra] };
    switch (e.keyword) {
      case 'additionalProperties': {
        const name = String(e.params.additionalProperty);
        const loc = at(name);
        unknown.push(loc.segments);
        if (mode === 'ignore') break;
        const hint = didYouMean(name, Object.keys(e.parentSchema?.properties ?? {}));
        out.push({
          ...loc,
          message: `unknown field ${JSON.stringify(loc.path)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`,
          severity: mode === 'strict' ? 'error' : 'warning',
        });
        break;
      }
      case 'required':
        // status is written by controllers and dropped by the API server on create: a partial status is fine
        if (segments[0] === 'status') break;
        out.push({ ...at(String(e.params.missingProperty)), message: 'Required value', severity: 'error' });
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ');
        out.push({ ...at(), message: `Unsupported value: ${shown(e.data)}: supported values: ${allowed}`, severity: 'error' });
        break;
      }
      case 'type':
        out.push({
          ...at(),
          message: `Invalid value: ${shown(e.data)}: ${text} in body must be of type ${String(e.params.type)}: "${jsonType(e.data)}"`,
          severity: 'error',
        });
        break;
      case 'pattern':
        out.push({
          ...at(),
          message:
            e.params.pattern === QUANTITY_PATTERN
              ? `Invalid value: ${shown(e.data)}: ${QUANTITY_FORMAT_ERROR}`
              : `Invalid value: ${shown(e.data)}: ${text} in body should match '${String(e.params.pattern)}'`,
          severity: 'error',
        });
        break;
      default:
        out.push({ ...at(), message: `Invalid value: ${shown(e.data)}: failed ${e.keyword} ${JSON.stringify(e.params)}`, severity: 'error' });
    }
  }
  if (mode !== 'strict')
    for (const segs of unknown) {
      deleteAt(original, segs);
      deleteAt(data, segs);
    }
  out.push(...validateSemantics(data, ki));
  out.push(...validateKindSemantics(data, ki));
  if (opts.warnUnsupported !== false) out.push(...unsupportedFieldWarnings(data, ki));
  return dedupe(out);
}

// ---------------------------------------------------------------------------------------------------------------

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) v.forEach(withoutNulls);
  else if (isObj(v))
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else withoutNulls(v[k]);
    }
  return v;
}

/** ajv instancePath ("/spec/template/spec/containers/0/resources/limits/cpu") -> upstream field path text. */
function fieldPathOf(instancePath: string, root: unknown, mapFields: ReadonlySet<string>): { segments: (string | number)[]; text: string } {
  const segments: (string | number)[] = [];
  let text = '';
  let generic = '';
  let cur: unknown = root;
  if (instancePath === '') return { segments, text };
  for (const raw of instancePath.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      segments.push(i);
      text += `[${i}]`;
      generic += '[]';
      cur = cur[i];
    } else {
      segments.push(seg);
      if (mapFields.has(generic)) {
        text += `[${seg}]`;
        generic += '{}';
      } else {
        text += text ? `.${seg}` : seg;
        generic += generic ? `.${seg}` : seg;
      }
      cur = isObj(cur) ? cur[seg] : undefined;
    }
  }
  return { segments, text };
}

function deleteAt(root: Obj, segments: (string | number)[]): void {
  let cur: unknown = root;
  for (const s of segments.slice(0, -1)) cur = isObj(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[s] : undefined;
  const last = segments[segments.length - 1];
  if (isObj(cur) && typeof last === 'string') delete cur[last];
}

const jsonType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

/** Levenshtein distance (small strings: field names). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The sibling field an unknown field most likely meant: same name in another case, or within 2 edits. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of [...candidates].sort()) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= 2 && bestD < name.length ? best : undefined;
}

function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Map<string, FieldError>();
  for (const e of errs) {
    const k = `${e.path}\u0000${e.message}`;
    const prev = seen.get(k);
    if (!prev || (prev.severity === 'warning' && e.severity !== 'warning')) seen.set(k, e);
  }
  return [...seen.values()];
}

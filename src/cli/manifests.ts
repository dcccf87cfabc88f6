// `-f` input for mutating verbs: load, resolve kinds, validate every object (all-or-nothing), default the
// namespace. Nothing is written unless the whole batch is valid.
import { dropNullFields } from '../util/drop-nulls.js';
import { apiVersionOf, isVirtual, kindByKind, storageKindOf, type KindInfo } from '../api/kinds.js';
import { isWritableVersion, toStorageVersion } from '../api/convert.js';
import { noMatchesForManifest } from '../api/kind-support.js';
import type { KubeObject, Sourced } from '../api/types.js';
import type { ValidateMode } from '../api/validate.js';
import { KctlError, MultiError, ValidationError, type FieldError } from '../util/errors.js';
import type { CliContext } from './context.js';

export interface ManifestFlags {
  filename?: string[];
  recursive?: boolean;
}

export interface ResolvedManifest {
  sourced: Sourced<KubeObject>;
  object: KubeObject;
  kind: KindInfo;
}

/** Kinds kctl knows but cannot write from a manifest (review requests, a kind served from another's storage). */
function refusedKind(ki: KindInfo): string | undefined {
  if (isVirtual(ki)) return `${apiVersionOf(ki)} ${ki.kind}: the server does not allow this method on the requested resource`;
  if (!isWritableVersion(ki)) {
    const storage = apiVersionOf(storageKindOf(ki));
    return `kctl keeps ${apiVersionOf(ki)} ${ki.kind} objects as ${storage} ${ki.kind} and cannot convert them: use apiVersion: ${storage}`;
  }
  return undefined;
}

/** Loads `-f` manifests and validates them; throws (MultiError) before anything is written. */
export async function loadAndValidate(
  ctx: CliContext,
  flags: ManifestFlags,
  opts: { mode: ValidateMode; verb: string },
): Promise<ResolvedManifest[]> {
  const { manifests, errors } = await loadAndValidatePartial(ctx, flags, opts);
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new MultiError(errors);
  if (manifests.length === 0) throw new KctlError('Invalid', 'no objects passed to ' + opts.verb);
  return manifests;
}

/**
 * The same, without all-or-nothing: the valid objects and every error (file:line), for verbs that go on past a
 * broken document as kubectl does (diff, apply --continue-on-error).
 */
export async function loadAndValidatePartial(
  ctx: CliContext,
  flags: ManifestFlags,
  opts: { mode: ValidateMode; verb: string },
): Promise<{ manifests: ResolvedManifest[]; errors: KctlError[] }> {
  const filenames = flags.filename ?? [];
  if (filenames.length === 0) throw new KctlError('Usage', `must specify one of -f and -k`);
  const { loadManifests, attachPositions, sourceAt } = await import('../manifest/loader.js');
  const { validateObject } = await import('../api/validate.js');
  const loaded = await loadManifests({ filenames, recursive: flags.recursive, stdin: lazyStdin(ctx), cwd: ctx.io.cwd, allowDuplicateKeys: opts.mode === 'ignore', warn: (m) => ctx.err(`${m}\n`) });
  const errors: KctlError[] = [...loaded.errors];
  const out: ResolvedManifest[] = [];
  const explicitNs = ctx.namespaceExplicit() ? ctx.namespace() : undefined;
  for (const sourced of loaded.objects) {
    const obj = dropNullFields(sourced.object);
    const where = sourceAt(sourced);
    const ki = kindByKind(obj.apiVersion, obj.kind);
    if (!ki) {
      errors.push(new KctlError('Invalid', noMatchesForManifest(obj, sourced.file), { source: where }));
      continue;
    }
    const refused = refusedKind(ki);
    if (refused) {
      errors.push(new KctlError('Invalid', refused, { source: where }));
      continue;
    }
    const found: FieldError[] = await validateObject(obj, { mode: opts.mode });
    const withPos = attachPositions(found, sourced);
    for (const w of withPos.filter((f) => f.severity === 'warning')) ctx.warn(`${w.source ? `${w.source}: ` : ''}${w.path}: ${w.message}`);
    const bad = withPos.filter((f) => f.severity !== 'warning');
    if (bad.length > 0) {
      errors.push(new ValidationError(obj.kind, String(obj.metadata?.name ?? ''), bad, where));
      continue;
    }
    if (ki.namespaced) {
      const ns = obj.metadata.namespace;
      if (explicitNs && ns && ns !== explicitNs) {
        errors.push(
          new KctlError(
            'Invalid',
            `the namespace from the provided object "${ns}" does not match the namespace "${explicitNs}". You must pass '--namespace=${ns}' to perform this operation.`,
            { source: where },
          ),
        );
        continue;
      }
    }
    // a served non-storage version (autoscaling/v1 HPA) is written in the storage version, as the API server does
    const stored = toStorageVersion(ki, obj);
    out.push({ sourced: stored.object === obj ? sourced : { ...sourced, object: stored.object }, object: stored.object, kind: stored.kind });
  }
  return { manifests: out, errors };
}

/** stdin, opened only if a `-f -` is actually read (opening it costs start-up time and can hold the process). */
export function lazyStdin(ctx: CliContext): NodeJS.ReadableStream {
  return { [Symbol.asyncIterator]: () => (ctx.io.in as AsyncIterable<Buffer>)[Symbol.asyncIterator]() } as unknown as NodeJS.ReadableStream;
}

/** The namespace an object lands in: its own, else -n, else default (cluster-scoped: none). */
export function targetNamespace(ctx: CliContext, m: ResolvedManifest): string | undefined {
  if (!m.kind.namespaced) return undefined;
  return m.object.metadata.namespace || ctx.namespace();
}

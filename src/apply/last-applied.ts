// The kubectl.kubernetes.io/last-applied-configuration annotation and client-side `apply` of one object.
//
// What kubectl stores (apply.GetModifiedConfiguration with annotate=true): the object it sends, serialized
// without the annotation itself (its annotations map stays, empty `{}` when it held nothing else), as Go's
// encoding/json writes an unstructured map — compact, keys sorted, HTML-safe escapes — followed by "\n".
// The object it sends is the manifest after the resource builder defaulted metadata.namespace for namespaced
// kinds, which is why `"namespace":"default"` appears in the annotation although the file had none.
import { kindByKind, qualifiedResource, type KindInfo } from '../api/kinds.js';
import { LAST_APPLIED } from '../api/meta.js';
import type { KubeObject } from '../api/types.js';
import { KctlError } from '../util/errors.js';
import { assertSameObject, keepStatus, pruneEmptyMetadata, restoreServerFields } from './identity.js';
import { clone, deepEqual, goJson, isMap } from './json.js';
import { computeApplyPatch, type StrategicPatch } from './strategic-merge.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyObjectOptions {
  /** The namespace kubectl's builder defaults into namespaced objects that have none (--namespace or context). */
  namespace?: string;
  /** Binary name used in kubectl's messages ("kctl"). */
  commandName?: string;
}

export interface ApplyObjectResult {
  /** The object to write (`created`/`configured`), or a copy of current (`unchanged`). */
  result: KubeObject;
  action: ApplyAction;
  /** The strategic merge patch applied to current ({} when created or unchanged). */
  patch: StrategicPatch;
  /** kubectl's warnings, each one line without the trailing newline (print to stderr). */
  warnings: string[];
}

const annotationsOf = (obj: KubeObject): Record<string, string> | undefined => obj.metadata?.annotations ?? undefined;

/** The annotation value kubectl would store for `obj` (the annotation itself excluded), e.g. `{"apiVersion":…}\n`. */
export function lastAppliedConfiguration(obj: KubeObject): string {
  const copy = clone(obj);
  const annotations: Record<string, string> = { ...(annotationsOf(copy) ?? {}) };
  delete annotations[LAST_APPLIED];
  copy.metadata = { ...copy.metadata, annotations };
  return `${goJson(copy)}\n`;
}

/** A copy of `obj` carrying the last-applied annotation computed from it (kubectl CreateApplyAnnotation). */
export function withLastApplied(obj: KubeObject): KubeObject {
  const value = lastAppliedConfiguration(obj);
  const copy = clone(obj);
  copy.metadata = { ...copy.metadata, annotations: { ...(annotationsOf(copy) ?? {}), [LAST_APPLIED]: value } };
  return copy;
}

/** kubectl UpdateApplyAnnotation (edit, replace, scale --record…): re-stamp only when the annotation exists. */
export function updateLastAppliedIfPresent(obj: KubeObject): KubeObject {
  return annotationsOf(obj)?.[LAST_APPLIED] === undefined ? clone(obj) : withLastApplied(obj);
}

/**
 * The last-applied configuration stored on `obj`, parsed; undefined when the annotation is absent or empty.
 * Throws when it is not a JSON object.
 */
export function readLastApplied(obj: KubeObject): KubeObject | undefined {
  const raw = annotationsOf(obj)?.[LAST_APPLIED];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new KctlError('Invalid', `error reading the ${LAST_APPLIED} annotation of ${describe(obj)}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!isMap(parsed)) {
    throw new KctlError('Invalid', `error reading the ${LAST_APPLIED} annotation of ${describe(obj)}: not a JSON object`);
  }
  return parsed as KubeObject;
}

const describe = (obj: KubeObject): string => {
  const ki = kindByKind(obj.apiVersion, obj.kind);
  return `${ki ? ki.plural : obj.kind}/${obj.metadata?.name ?? ''}`;
};

/** A copy with metadata.namespace set to `namespace` when the kind is namespaced and the object has none. */
export function setDefaultNamespace(obj: KubeObject, namespace: string | undefined): KubeObject {
  const copy = clone(obj);
  const ki = kindByKind(obj.apiVersion, obj.kind);
  if (namespace && ki?.namespaced && !copy.metadata.namespace) copy.metadata = { ...copy.metadata, namespace };
  return copy;
}

function checkManifest(modified: unknown): asserts modified is KubeObject {
  if (!isMap(modified)) throw new KctlError('Invalid', 'the object to apply is not a JSON object');
  if (typeof modified.apiVersion !== 'string' || modified.apiVersion === '')
    throw new KctlError('Invalid', "Object 'apiVersion' is missing in the object to apply");
  if (typeof modified.kind !== 'string' || modified.kind === '')
    throw new KctlError('Invalid', "Object 'Kind' is missing in the object to apply");
  if (!isMap(modified.metadata) || typeof modified.metadata.name !== 'string' || modified.metadata.name === '')
    throw new KctlError('Invalid', `${modified.kind}: name or generateName is required`);
}

const resourceOf = (ki: KindInfo | undefined, obj: KubeObject): string => (ki ? qualifiedResource(ki) : obj.kind.toLowerCase());

const missingAnnotationWarning = (ki: KindInfo | undefined, obj: KubeObject, cmd: string): string =>
  `Warning: resource ${ki ? ki.plural : obj.kind.toLowerCase()}/${obj.metadata.name} is missing the ${LAST_APPLIED} annotation ` +
  `which is required by ${cmd} apply. ${cmd} apply should only be used on resources created declaratively by either ` +
  `${cmd} create --save-config or ${cmd} apply. The missing annotation will be patched automatically.`;

/**
 * Client-side `kubectl apply` of one manifest object against the live object (undefined when it does not exist).
 *   - created: the manifest plus the last-applied annotation (status dropped for kinds with a status subresource);
 *   - configured: the three-way patch (last-applied, manifest, live) applied to live; status and server-owned
 *     metadata kept;
 *   - unchanged: the patch is a no-op (idempotent re-apply) or changes nothing the server keeps.
 * Refuses (KctlError) a manifest that would change apiVersion, kind, name or namespace of `current`.
 */
export function applyObject(current: KubeObject | undefined, modified: KubeObject, opts: ApplyObjectOptions = {}): ApplyObjectResult {
  checkManifest(modified);
  const sent = withLastApplied(setDefaultNamespace(modified, opts.namespace));
  const ki = kindByKind(sent.apiVersion, sent.kind);
  if (!current) {
    const result = pruneEmptyMetadata(clone(sent));
    keepStatus(ki, undefined, result);
    return { result, action: 'created', patch: {}, warnings: [] };
  }
  if (current.kind !== sent.kind || current.apiVersion !== sent.apiVersion) {
    throw new KctlError(
      'Invalid',
      `${current.kind} "${current.metadata.name}" is invalid: apiVersion/kind: Invalid value: "${sent.apiVersion}, Kind=${sent.kind}": field is immutable`,
    );
  }
  const warnings: string[] = [];
  const original = readLastApplied(current);
  if (annotationsOf(current)?.[LAST_APPLIED] === undefined) warnings.push(missingAnnotationWarning(ki, current, opts.commandName ?? 'kctl'));
  const { patch, merged, noop } = computeApplyPatch(original, sent, current, { kind: sent.kind });
  if (noop) return { result: clone(current), action: 'unchanged', patch, warnings };
  const result = merged as KubeObject;
  keepStatus(ki, current, result);
  restoreServerFields(current, result, resourceOf(ki, current));
  pruneEmptyMetadata(result, current);
  assertSameObject(current, result);
  return { result, action: deepEqual(result, current) ? 'unchanged' : 'configured', patch, warnings };
}

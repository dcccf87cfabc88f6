// The writing verbs of the object endpoints: POST (create), PUT (update, status, scale), PATCH (json, merge,
// strategic; apply-patch+yaml goes to server-side apply when it is plugged in), DELETE (one, a collection).
// Validation is api/validate.ts (what the CLI runs); the write rules are the store's (object-semantics.ts); dry
// runs call the same pure object-semantics functions without committing.
import type { ServerResponse } from 'node:http';
import { toStorageVersion, isWritableVersion } from '../api/convert.js';
import { notEnforcedWarning } from '../api/kind-support.js';
import { scaleOf, withScale } from '../api/scale.js';
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validate.js';
import { patchObject, type PatchType } from '../apply/patch.js';
import {
  createTarget,
  defaultUid,
  prepareCreate,
  prepareDelete,
  prepareUpdate,
  prepareUpdateStatus,
  updateTarget,
} from '../store/object-semantics.js';
import type { DeleteOptions, ObjectRef } from '../store/store.js';
import { dropNullFields } from '../util/drop-nulls.js';
import { isConflict, isNotFound, ValidationError } from '../util/errors.js';
import type { ApiRequest } from './routes.js';
import { asServed, decodeBody, decodeObject, isDryRun, methodNotAllowed, selectorMatcher, sendObject, sendRendered, type RestContext, type Target } from './rest-common.js';
import { ApiStatusError, badRequest, statusError, unsupportedMediaType, type Status } from './status.js';
import { isTrue } from './request-info.js';
import { apiVersionOf } from '../api/kinds.js';

type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

function fieldValidation(r: ApiRequest): FieldValidation {
  const v = r.query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(v)}: supported values: "Ignore", "Strict", "Warn"`);
}

/**
 * Validates an object about to be written, as the API server decodes and validates it: unknown fields are a
 * strict decoding error (Strict), a warning (Warn) or nothing (Ignore), and are dropped; any other field error
 * is 422 Invalid. Returns the warnings to send.
 */
export async function admit(obj: KubeObject, fv: FieldValidation): Promise<string[]> {
  const found = await validateObject(obj, { mode: 'warn', warnUnsupported: false });
  const isUnknown = (m: string): boolean => m.startsWith('unknown field ');
  const unknown = found.filter((f) => f.severity === 'warning' && isUnknown(f.message)).map((f) => `unknown field ${JSON.stringify(f.path)}`);
  if (fv === 'Strict' && unknown.length) {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    void group;
    throw badRequest(`${obj.kind} in version ${JSON.stringify(version)} cannot be handled as a ${obj.kind}: strict decoding error: ${unknown.join(', ')}`);
  }
  const bad = found.filter((f) => f.severity !== 'warning');
  if (bad.length) throw new ValidationError(obj.kind, String(obj.metadata?.name ?? ''), bad);
  const others = found.filter((f) => f.severity === 'warning' && !isUnknown(f.message)).map((f) => `${f.path}: ${f.message}`);
  return [...(fv === 'Warn' ? unknown : []), ...others];
}

const refOf = (t: Target, name = t.name): ObjectRef =>
  t.storage.namespaced ? { resource: t.storage.plural, namespace: t.namespace ?? 'default', name } : { resource: t.storage.plural, name };

function writable(t: Target): void {
  if (!isWritableVersion(t.ki)) methodNotAllowed(t, 'write');
}

const writeCtx = (ctx: RestContext) => ({ now: ctx.clock.now(), revision: 0, uid: defaultUid });

const withoutRv = (o: KubeObject): KubeObject => {
  const m = o.metadata as { resourceVersion?: string };
  delete m.resourceVersion;
  return o;
};

export async function createObject(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  writable(t);
  const obj = dropNullFields(decodeObject(t, await decodeBody(r), {}));
  const dry = isDryRun(r);
  const warnings = await admit(obj, fieldValidation(r));
  const stored = await withManagedFields(r, ctx, t, undefined, toStorageVersion(t.ki, obj).object);
  let out: KubeObject;
  if (dry) {
    const target = createTarget(stored, {});
    const existing = await ctx.store.tryGet(target.ref);
    const namespace = target.ref.namespace ? await ctx.store.tryGet({ resource: 'namespaces', name: target.ref.namespace }) : undefined;
    out = withoutRv(prepareCreate(target, { existing, namespace }, writeCtx(ctx)).object);
  } else out = await ctx.store.create(stored);
  const ne = notEnforcedWarning(t.storage);
  sendRendered(ctx, r, res, t, asServed(t, out), 201, ne ? [...warnings, ne] : warnings);
}

/** Commits (or, for a dry run, computes) an update of the whole object or of its status. */
async function commitUpdate(ctx: RestContext, next: KubeObject, status: boolean, dry: boolean): Promise<KubeObject> {
  if (!dry) return status ? ctx.store.updateStatus(next) : ctx.store.update(next);
  const target = updateTarget(next);
  const stored = await ctx.store.tryGet(target.ref);
  const m = status ? prepareUpdateStatus(target, stored, writeCtx(ctx)) : prepareUpdate(target, stored, writeCtx(ctx));
  // nothing was written: the object keeps the stored resourceVersion
  (m.object.metadata as { resourceVersion?: string }).resourceVersion = stored?.metadata.resourceVersion;
  return m.object;
}

export async function updateObject(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  writable(t);
  const dry = isDryRun(r);
  const body = await decodeBody(r);
  if (t.subresource === 'scale') {
    const cur = await ctx.store.get(refOf(t));
    const out = await commitUpdate(ctx, await withManagedFields(r, ctx, t, cur, withScale(cur, body)), false, dry);
    return sendObject(res, 200, scaleOf(out));
  }
  const obj = dropNullFields(decodeObject(t, body, { name: t.name }));
  const warnings = await admit(obj, fieldValidation(r));
  const next = toStorageVersion(t.ki, obj).object;
  const old = await ctx.store.tryGet(refOf(t));
  const out = await commitUpdate(ctx, await withManagedFields(r, ctx, t, old, next), t.subresource === 'status', dry);
  sendRendered(ctx, r, res, t, asServed(t, out), 200, warnings);
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

type FieldManagerModule = typeof import('../apply/server-side/field-manager.js');
let fm: Promise<FieldManagerModule> | undefined;
const fieldManagerModule = (): Promise<FieldManagerModule> => (fm ??= import('../apply/server-side/field-manager.js'));

/** The manager of a write: ?fieldManager, else the User-Agent's program name (upstream's prefix rule). */
function managerOf(r: ApiRequest): string {
  const q = r.query.get('fieldManager');
  if (q) return q;
  const ua = String(r.headers['user-agent'] ?? '');
  return ua.split('/')[0]!.slice(0, 128);
}

/**
 * metadata.managedFields of a write that is not an apply (upstream's FieldManager.UpdateNoErrors: a failure
 * keeps the object as it was written).
 */
async function withManagedFields(r: ApiRequest, ctx: RestContext, t: Target, old: KubeObject | undefined, next: KubeObject): Promise<KubeObject> {
  try {
    const { updateManagedFields } = await fieldManagerModule();
    return updateManagedFields({ old, new: next, manager: managerOf(r), time: ctx.clock.now(), ...(t.subresource ? { subresource: t.subresource } : {}) });
  } catch {
    return next;
  }
}

/** The errors of server-side apply as the API server answers them. */
function applyError(e: unknown): unknown {
  const x = e as { status?: () => Record<string, unknown>; httpStatus?: number; reason?: string; message?: string; name?: string };
  if (x && typeof x.status === 'function') {
    const st = x.status() as unknown as Status;
    return new ApiStatusError(st);
  }
  if (x?.httpStatus === 400) return badRequest(String(x.message));
  if (x?.name === 'TypedValueError') return statusError(500, 'InternalError', String(x.message));
  return e;
}

export async function patchObjectRequest(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  writable(t);
  const ct = (r.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const dry = isDryRun(r);
  const fv = fieldValidation(r);
  const apply = ct === 'application/apply-patch+yaml';
  const type = PATCH_TYPES[ct];
  if (!type && !apply) throw unsupportedMediaType(`${Object.keys(PATCH_TYPES).join(', ')}, application/apply-patch+yaml`);
  const body = await decodeBody(r);
  const ref = refOf(t);
  for (let attempt = 0; ; attempt++) {
    const cur = apply ? await ctx.store.tryGet(ref) : await ctx.store.get(ref);
    let next: KubeObject;
    if (apply) {
      const fieldManager = r.query.get('fieldManager');
      if (!fieldManager) throw badRequest('PATCH /apply requires fieldManager to be set');
      const applied = decodeObject(t, dropNullFields(body as KubeObject), { name: t.name });
      const { serverSideApply } = await fieldManagerModule();
      try {
        const result = serverSideApply({
          live: cur,
          applied,
          manager: fieldManager,
          force: isTrue(r.query.get('force')),
          time: ctx.clock.now(),
          apiVersion: apiVersionOf(t.ki),
          kind: t.ki.kind,
          ...(t.subresource ? { subresource: t.subresource } : {}),
        });
        if (cur && !result.changed) return sendRendered(ctx, r, res, t, asServed(t, cur), 200);
        next = result.object;
      } catch (e) {
        throw applyError(e);
      }
    } else if (t.subresource === 'scale') {
      const scaled = patchObject(scaleOf(cur!) as unknown as KubeObject, body, { type: type === 'strategic' ? 'merge' : type! }).result;
      next = await withManagedFields(r, ctx, t, cur, withScale(cur!, scaled));
    } else {
      next = patchObject(cur!, body, { type: type!, ...(t.subresource === 'status' ? { subresource: 'status' as const } : {}) }).result;
      next = await withManagedFields(r, ctx, t, cur, next);
    }
    const warnings = t.subresource === 'scale' ? [] : await admit(dropNullFields(next), fv);
    try {
      let out: KubeObject;
      if (apply && !cur) {
        out = dry ? next : await ctx.store.create(next);
      } else out = await commitUpdate(ctx, next, t.subresource === 'status', dry);
      if (t.subresource === 'scale') return sendObject(res, 200, scaleOf(out));
      return sendRendered(ctx, r, res, t, asServed(t, out), apply && !cur ? 201 : 200, warnings);
    } catch (e) {
      // a patch applies to whatever is current (upstream's GuaranteedUpdate): retry a lost race
      const patchSetsRv = typeof (body as { metadata?: { resourceVersion?: unknown } })?.metadata?.resourceVersion === 'string';
      if (isConflict(e) && !patchSetsRv && attempt < 5) continue;
      throw e;
    }
  }
}

/** DeleteOptions from the body (kubectl sends one) and the query. */
function deleteOptions(r: ApiRequest, body: unknown): { opts: DeleteOptions; dry: boolean } {
  const b = (body && typeof body === 'object' ? body : {}) as {
    gracePeriodSeconds?: number;
    propagationPolicy?: string;
    orphanDependents?: boolean;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
  const opts: DeleteOptions = {};
  const grace = r.query.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}`);
    opts.gracePeriodSeconds = n;
  }
  const policy = r.query.get('propagationPolicy') ?? b.propagationPolicy;
  const orphan = r.query.get('orphanDependents') ?? b.orphanDependents;
  if (policy !== undefined && policy !== null && policy !== '') {
    if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan')
      throw statusError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
    if (orphan !== undefined && orphan !== null)
      throw statusError(422, 'Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + policy + '": orphanDependents and deletionPropagation cannot be both set');
    opts.propagationPolicy = policy;
  } else if (orphan !== undefined && orphan !== null) {
    opts.propagationPolicy = String(orphan) === 'true' ? 'Orphan' : 'Background';
  }
  const pre = b.preconditions ?? {};
  const uid = r.query.get('preconditions.uid') ?? pre.uid;
  const rv = r.query.get('preconditions.resourceVersion') ?? pre.resourceVersion;
  if (uid) opts.uid = uid;
  if (rv) opts.resourceVersion = rv;
  return { opts, dry: isDryRun(r, b.dryRun) };
}

async function bodyIfAny(r: ApiRequest): Promise<unknown> {
  const raw = await r.body();
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

/** Pods answer a delete with the object (upstream ReturnDeletedObject); other kinds with a Success Status. */
const RETURNS_DELETED_OBJECT = new Set(['Pod']);

export async function deleteObject(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  writable(t);
  const { opts, dry } = deleteOptions(r, await bodyIfAny(r));
  const ref = refOf(t);
  let out: KubeObject;
  let gone: boolean;
  if (dry) {
    const m = prepareDelete(ref, await ctx.store.tryGet(ref), opts, writeCtx(ctx));
    out = m.object;
    gone = m.op === 'delete';
  } else {
    out = await ctx.store.delete(ref, opts);
    gone = (await ctx.store.tryGet(ref)) === undefined;
  }
  if (!gone || RETURNS_DELETED_OBJECT.has(t.storage.kind)) return sendObject(res, 200, asServed(t, out));
  sendObject(res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: out.metadata.name, ...(t.ki.group ? { group: t.ki.group } : {}), kind: t.ki.plural, uid: out.metadata.uid },
  });
}

export async function deleteCollection(ctx: RestContext, r: ApiRequest, res: ServerResponse, t: Target): Promise<void> {
  writable(t);
  if (t.subresource) methodNotAllowed(t, 'deletecollection');
  const { opts, dry } = deleteOptions(r, await bodyIfAny(r));
  const match = selectorMatcher(t, r.query);
  const { items } = await ctx.store.list(t.storage.plural, t.namespace ? { namespace: t.namespace } : {});
  const deleted: KubeObject[] = [];
  for (const o of items.filter(match)) {
    const ref = refOf(t, o.metadata.name);
    if (o.metadata.namespace) (ref as { namespace?: string }).namespace = o.metadata.namespace;
    try {
      deleted.push(dry ? prepareDelete(ref, o, opts, writeCtx(ctx)).object : await ctx.store.delete(ref, opts));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  sendObject(res, 200, {
    kind: `${t.ki.kind}List`,
    apiVersion: t.ki.group ? `${t.ki.group}/${t.ki.version}` : t.ki.version,
    metadata: {},
    items: deleted.map((o) => asServed(t, o)),
  });
}


// Name references (kustomize's nameReference transformer, run once after the whole build): where a field
// names another object that was renamed (prefix, suffix, hash), write the new name, choosing the referral
// as kustomize does (earlier name matches, kind, namespace, then the same prefixes/suffixes).
import { NAME_REFERENCES, type FieldSpec, type NameReference } from './fieldspecs.js';
import { KustomizeError } from './loader.js';
import { curId, gvkOf, gvkSelected, idString, isClusterScoped, isMap, nameOf, namespaceOf, nsEquals, type JsonMap, type Res } from './resource.js';
import { splitPath, walkPath } from './walk.js';

/** `a` is the end of `b` or `b` the end of `a` */
function sameEnding(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function affixesEqual(r: Res, o: Res, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const pe = r.prefixes.length === 0 || o.prefixes.length === 0;
    const se = r.suffixes.length === 0 || o.suffixes.length === 0;
    return (pe || sameEnding(r.prefixes, o.prefixes)) && (se || sameEnding(r.suffixes, o.suffixes));
  }
  return sameEnding(r.prefixes, o.prefixes) && sameEnding(r.suffixes, o.suffixes);
}

function roleRefGvk(referrer: Res): { group: string; kind: string } | undefined {
  const rr = referrer.obj.roleRef;
  if (!isMap(rr) || typeof rr.apiGroup !== 'string' || typeof rr.kind !== 'string') return undefined;
  return { group: rr.apiGroup, kind: rr.kind };
}

function selectReferral(
  oldName: string,
  candidates: Res[],
  referrer: Res,
  ref: NameReference,
  spec: FieldSpec,
  withNamespace: boolean,
): Res | undefined {
  let c = candidates.filter((r) => r.prevIds.some((id) => id.name === oldName));
  c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id.gvk, ref)));
  if (spec.path.endsWith('roleRef/name')) {
    const g = roleRefGvk(referrer);
    if (g) c = c.filter((r) => r.prevIds.some((id) => gvkSelected(id.gvk, g)));
  }
  const rid = curId(referrer);
  if (!isClusterScoped(rid.gvk)) {
    c = c.filter((r) => {
      const id = curId(r);
      return isClusterScoped(id.gvk) || id.gvk.kind === 'ServiceAccount' || nsEquals(rid, id);
    });
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => affixesEqual(r, referrer, true));
  if (c.length > 1) c = c.filter((r) => affixesEqual(r, referrer, false));
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  const same = c.every((r) => nameOf(r.obj) === nameOf(c[0]!.obj) && (!withNamespace || namespaceOf(r.obj) === namespaceOf(c[0]!.obj)));
  if (same) return c[0];
  throw new KustomizeError(`found multiple possible referrals: ${c.map((r) => idString(curId(r))).join(', ')}`);
}

/** The objects a referrer may name: cluster-scoped ones and those in its namespace (any, for cluster-scoped referrers). */
function candidatesFor(referrer: Res, all: Res[]): Res[] {
  const rid = curId(referrer);
  if (isClusterScoped(rid.gvk)) return all;
  const extraNs = new Set<string>();
  if (rid.gvk.kind === 'RoleBinding' || rid.gvk.kind === 'ClusterRoleBinding') {
    for (const s of Array.isArray(referrer.obj.subjects) ? referrer.obj.subjects : []) {
      if (isMap(s) && s.kind === 'ServiceAccount' && typeof s.namespace === 'string') extraNs.add(s.namespace);
    }
  }
  return all.filter((r) => {
    const id = curId(r);
    return isClusterScoped(id.gvk) || nsEquals(id, rid) || extraNs.has(id.namespace);
  });
}

export function fixNameReferences(all: Res[]): void {
  for (const referrer of all) {
    const org = referrer.prevIds[0]?.gvk ?? gvkOf(referrer.obj);
    let candidates: Res[] | undefined;
    for (const ref of NAME_REFERENCES) {
      for (const spec of ref.referrers) {
        if (!gvkSelected(org, spec)) continue;
        candidates ??= candidatesFor(referrer, all);
        const cands = candidates;
        walkPath(referrer.obj, splitPath(spec.path), false, (parent, key) => {
          const v = parent[key];
          if (v === undefined || v === null) return;
          const setScalar = (s: string): string => {
            const r = selectReferral(s, cands, referrer, ref, spec, false);
            return r ? nameOf(r.obj) : s;
          };
          const setMapping = (m: JsonMap): void => {
            if (typeof m.name !== 'string') return;
            let cs = cands;
            if (typeof m.namespace === 'string') {
              const ns = m.namespace;
              const byOrg = cands.filter((r) => (r.prevIds[0]?.namespace ?? namespaceOf(r.obj)) === ns);
              cs = byOrg.length ? byOrg : cands.filter((r) => namespaceOf(r.obj) === ns);
            }
            const r = selectReferral(m.name, cs, referrer, ref, spec, true);
            if (!r) return;
            if (nameOf(r.obj) === m.name && namespaceOf(r.obj) === '') return;
            m.name = nameOf(r.obj);
            if (namespaceOf(r.obj) !== '') m.namespace = namespaceOf(r.obj);
          };
          if (typeof v === 'string') parent[key] = setScalar(v);
          else if (isMap(v)) setMapping(v);
          else if (Array.isArray(v)) {
            parent[key] = v.map((el) => {
              if (typeof el === 'string') return setScalar(el);
              if (isMap(el)) setMapping(el);
              return el;
            });
          }
        });
      }
    }
  }
}

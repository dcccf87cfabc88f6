/**
 * The API server decodes a manifest into typed objects, so a field set to null is simply not there (as kubectl
 * sees it). Applied to user input only: objects kctl writes itself keep upstream's nulls (`lastProbeTime: null`).
 * Nulls inside lists are kept. Mutates and returns `v`.
 */
export function dropNullFields<T>(v: T): T {
  if (Array.isArray(v)) v.forEach(dropNullFields);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === null) delete o[k];
      else dropNullFields(o[k]);
    }
  }
  return v;
}

// Content negotiation of the object endpoints: the Accept header picks plain JSON, a meta.k8s.io Table
// (`application/json;as=Table;v=v1;g=meta.k8s.io`, what `kubectl get` asks for), or PartialObjectMetadata[List]
// (`as=PartialObjectMetadata`, metadata informers). Protobuf is not served: clients that offer JSON as well
// (client-go does) get JSON; an Accept with nothing kctl can answer is 406.
import { notAcceptable } from './status.js';

export type Rendering =
  | { as: 'object' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1'; list: boolean };

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [{ type: '*/*', params: new Map() }];
  return accept.split(',').map((part) => {
    const [type = '', ...ps] = part.split(';').map((s) => s.trim());
    return { type: type.toLowerCase(), params: new Map(ps.map((p) => p.split('=').map((s) => s.trim()) as [string, string])) };
  });
}

const JSONISH = new Set(['application/json', 'application/*', '*/*']);

export const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

/** The first media range kctl can answer, in the client's order (upstream ignores q-values too). */
export function negotiate(accept: string | undefined, opts: { list: boolean }): Rendering {
  for (const m of parseAccept(accept)) {
    if (!JSONISH.has(m.type)) continue;
    const as = m.params.get('as');
    if (!as) return { as: 'object' };
    if (m.params.get('g') !== 'meta.k8s.io') continue;
    const v = m.params.get('v');
    if (v !== 'v1' && v !== 'v1beta1') continue;
    if (as === 'Table') return { as: 'Table', version: v };
    if (as === 'PartialObjectMetadata' && !opts.list) return { as: 'PartialObjectMetadata', version: v, list: false };
    if (as === 'PartialObjectMetadataList' && opts.list) return { as: 'PartialObjectMetadata', version: v, list: true };
  }
  throw notAcceptable(ACCEPTED);
}

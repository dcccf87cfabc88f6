// kubectl's resource argument forms: `TYPE`, `TYPE NAME...`, `TYPE1,TYPE2`, `TYPE/NAME ...`, `all`.
import { isPreferredVersion, KINDS, resolveResource, type KindInfo } from '../api/kinds.js';
import { UsageError, KctlError } from '../util/errors.js';

export interface ResourceRequest {
  kind: KindInfo;
  /** empty: every object of the kind (subject to selectors) */
  names: string[];
}

export function resolveKind(type: string): KindInfo {
  const ki = resolveResource(type);
  if (!ki) throw new KctlError('Invalid', `the server doesn't have a resource type "${type}"`);
  return ki;
}

function expandType(type: string): KindInfo[] {
  // kubectl expands a category in discovery order (core first, then by group; resources by name), once per resource
  if (type === 'all')
    return KINDS.filter((k) => k.categories.includes('all') && isPreferredVersion(k)).sort(
      (a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0),
    );
  return [resolveKind(type)];
}

/** Parses positional args the way kubectl's resource builder does. */
export function parseResourceArgs(args: string[], verb: string): ResourceRequest[] {
  if (args.length === 0)
    throw new UsageError(
      `you must specify the type of resource to ${verb}. Use "kctl api-resources" for a complete list of supported resources.`,
    );
  if (args.some((a) => a.includes('/'))) {
    const out: ResourceRequest[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash <= 0 || slash === a.length - 1)
        throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kctl get resource/<resource_name>' instead of 'kctl get resource resource/<resource_name>'`);
      const ki = resolveKind(a.slice(0, slash));
      const name = a.slice(slash + 1);
      const prev = out.find((r) => r.kind === ki);
      if (prev) prev.names.push(name);
      else out.push({ kind: ki, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args as [string, ...string[]];
  const kinds = types.split(',').filter(Boolean).flatMap(expandType);
  const uniq = [...new Set(kinds)];
  if (names.length > 0 && uniq.length > 1) throw new UsageError(`arguments in resource/name form must have a single resource and name`);
  return uniq.map((kind) => ({ kind, names }));
}

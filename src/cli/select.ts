// Finds the objects a verb acts on: `TYPE [NAME...]`, `TYPE/NAME`, `-l`, `--all`, `-A`, `-f` — the
// resource builder's store half. Missing names are collected as NotFound errors, not thrown at once.
import type { KindInfo } from '../api/kinds.js';
import { qualifiedResource } from '../api/kinds.js';
import type { KubeObject } from '../api/types.js';
import { KctlError, NotFoundError } from '../util/errors.js';
import type { CliContext } from './context.js';
import { parseResourceArgs, type ResourceRequest } from './resource-args.js';
import { lazyStdin } from './manifests.js';

export interface SelectFlags {
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  filename?: string[];
  recursive?: boolean;
}

export interface Selected {
  kind: KindInfo;
  objects: KubeObject[];
  /** names were given (as opposed to a listing) */
  named: boolean;
}

/** status.phase=Running, metadata.name!=x, metadata.namespace=y — the field selectors every kind supports. */
export function fieldMatcher(expr: string | undefined): (o: KubeObject) => boolean {
  if (!expr) return () => true;
  const terms = expr.split(',').filter(Boolean).map((t) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*)$/.exec(t.trim());
    if (!m) throw new KctlError('Usage', `invalid field selector: '${t}'`);
    return { path: m[1]!.split('.'), neg: m[2] === '!=', value: m[3]! };
  });
  return (o) =>
    terms.every((t) => {
      let v: unknown = o;
      for (const p of t.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      const s = v === undefined || v === null ? '' : String(v);
      return t.neg ? s !== t.value : s === t.value;
    });
}

export async function selectObjects(
  ctx: CliContext,
  args: string[],
  flags: SelectFlags,
  verb: string,
): Promise<{ selected: Selected[]; errors: KctlError[] }> {
  const store = await ctx.store();
  const errors: KctlError[] = [];
  let requests: ResourceRequest[];
  if (flags.filename && flags.filename.length > 0) {
    const { loadManifests } = await import('../manifest/loader.js');
    const { resolveKind } = await import('./resource-args.js');
    const loaded = await loadManifests({ filenames: flags.filename, recursive: flags.recursive, stdin: lazyStdin(ctx), cwd: ctx.io.cwd, warn: (m) => ctx.err(`${m}\n`) });
    // kubectl's builder goes on past a broken document: the valid ones are processed, each error reported
    errors.push(...loaded.errors);
    const { sourceAt } = await import('../manifest/loader.js');
    const { kindByKind } = await import('../api/kinds.js');
    const { noMatchesForManifest } = await import('../api/kind-support.js');
    requests = [];
    const nsOf = new Map<string, string>();
    for (const s of loaded.objects) {
      const ki = kindByKind(s.object.apiVersion, s.object.kind) ?? resolveKindOrUndefined(resolveKind, s.object.kind);
      const name = s.object.metadata?.name;
      if (!ki) {
        errors.push(new KctlError('Invalid', noMatchesForManifest(s.object, s.file), { source: sourceAt(s) }));
        continue;
      }
      if (typeof name !== 'string' || name === '') {
        errors.push(new KctlError('Invalid', 'resource name may not be empty', { source: sourceAt(s) }));
        continue;
      }
      let r = requests.find((x) => x.kind === ki);
      if (!r) requests.push((r = { kind: ki, names: [] }));
      r.names.push(name);
      if (s.object.metadata.namespace) nsOf.set(`${ki.plural}/${name}`, s.object.metadata.namespace);
    }
    return gather(requests, (ki, name) => nsOf.get(`${ki.plural}/${name}`));
  }
  requests = parseResourceArgs(args, verb);
  return gather(requests, () => undefined);

  async function gather(reqs: ResourceRequest[], nsFor: (ki: KindInfo, name: string) => string | undefined) {
    const selected: Selected[] = [];
    const fieldOk = fieldMatcher(flags.fieldSelector);
    const labels = flags.selector ? await import('../api/labels.js') : undefined;
    const sel = labels && flags.selector ? labels.parseSelector(flags.selector) : undefined;
    for (const r of reqs) {
      const ki = r.kind;
      if (r.names.length > 0) {
        if (flags.allNamespaces && !flags.filename?.length) throw new KctlError('Usage', 'a resource cannot be retrieved by name across all namespaces');
        if (flags.selector) throw new KctlError('Usage', 'selectors and the all flag cannot be used when passing resource/name arguments');
        const objects: KubeObject[] = [];
        for (const name of r.names) {
          const namespace = ki.namespaced ? nsFor(ki, name) ?? ctx.namespace() : undefined;
          const o = await store.tryGet({ resource: ki.plural, namespace, name });
          if (o) objects.push(o);
          else errors.push(new NotFoundError(qualifiedResource(ki), name));
        }
        selected.push({ kind: ki, objects, named: true });
        continue;
      }
      const namespace = ki.namespaced && !flags.allNamespaces ? ctx.namespace() : undefined;
      const { items } = await store.list(ki.plural, namespace ? { namespace } : {});
      const objects = items.filter((o) => (!sel || labels!.matches(sel, o.metadata.labels)) && fieldOk(o));
      selected.push({ kind: ki, objects, named: false });
    }
    return { selected, errors };
  }
}

function resolveKindOrUndefined(resolve: (t: string) => KindInfo, kind: unknown): KindInfo | undefined {
  try {
    return typeof kind === 'string' ? resolve(kind) : undefined;
  } catch {
    return undefined;
  }
}

/** kubectl's message when a listing found nothing (stderr, exit 0). */
export function noResourcesMessage(ctx: CliContext, allNamespaces: boolean, kinds: KindInfo[]): string {
  if (allNamespaces || kinds.every((k) => !k.namespaced)) return 'No resources found\n';
  return `No resources found in ${ctx.namespace()} namespace.\n`;
}

// `kctl diff`: kubectl writes the live object and the server's dry-run merge result as YAML into two temporary
// directories (LIVE-<n>, MERGED-<n>), one file per object named <group.>version.Kind.namespace.name, and runs
// `diff -u -N` over them. This renders the same unified diff for one object, without the files or the process.
// Noise removed as kubectl does: metadata.managedFields on both sides. The merged side keeps the live
// resourceVersion (a dry run does not write) and gets generation+1 when its spec changed (the server bumps it).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { toYAML } from '../util/go-yaml.js';
import type { KubeObject } from '../api/types.js';
import { clone, deepEqual, isMap, sortKeys } from './json.js';

export interface UnifiedDiffOptions {
  /** File name inside both directories, e.g. `apps.v1.Deployment.default.web` (see diffFileName). */
  name: string;
  /** kubectl's os.MkdirTemp directories; defaults /tmp/LIVE-0 and /tmp/MERGED-0. */
  liveDir?: string;
  mergedDir?: string;
  /** Modification time printed in the ---/+++ headers, as GNU diff does; no timestamps when undefined. */
  time?: Date;
}

/** kubectl diff's file name: `apps.v1.Deployment.default.web`, `v1.Service.default.web`, `v1.Namespace..dev`. */
export function diffFileName(obj: KubeObject): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/', 2) : ['', obj.apiVersion];
  return `${group ? `${group}.` : ''}${version}.${obj.kind}.${obj.metadata.namespace ?? ''}.${obj.metadata.name}`;
}

/** YAML as kubectl diff writes it (sigs.k8s.io/yaml: keys sorted, block lists not indented); '' for undefined. */
export function diffYaml(obj: unknown): string {
  if (obj === undefined) return '';
  return toYAML(sortKeys(obj));
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const c = clone(obj);
  if (isMap(c.metadata)) delete (c.metadata as Record<string, unknown>).managedFields;
  return c;
}

/** The merged object as the server's dry run returns it, relative to `live`. */
function asDryRun(live: KubeObject, merged: KubeObject): KubeObject {
  const m = merged;
  const lm = live.metadata;
  const mm = m.metadata as unknown as Record<string, unknown>;
  if (lm.resourceVersion !== undefined) mm.resourceVersion = lm.resourceVersion;
  else delete mm.resourceVersion;
  if (typeof lm.generation === 'number' && mm.generation === lm.generation && !deepEqual(live.spec, m.spec)) {
    mm.generation = lm.generation + 1;
  }
  return m;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** GNU diff's header timestamp: `2024-05-01 12:00:00.000000000 +0000` (UTC). */
export function diffTimestamp(t: Date): string {
  return (
    `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}.${pad(t.getUTCMilliseconds(), 3)}000000 +0000`
  );
}

const EPOCH = new Date(0);

/**
 * Unified diff of `live` (undefined: the object would be created) against `merged` (undefined: it would be
 * deleted), as `kubectl diff` prints it:
 *   diff -u -N /tmp/LIVE-0/apps.v1.Deployment.default.web /tmp/MERGED-0/apps.v1.Deployment.default.web
 *   --- /tmp/LIVE-0/apps.v1.Deployment.default.web	<time>
 *   +++ /tmp/MERGED-0/apps.v1.Deployment.default.web	<time>
 *   @@ -6,7 +6,7 @@
 *   ...
 * Returns '' when there is no difference (kubectl diff then exits 0).
 */
export function unifiedDiff(live: KubeObject | undefined, merged: KubeObject | undefined, opts: UnifiedDiffOptions): string {
  const l = live ? withoutManagedFields(live) : undefined;
  let m = merged ? withoutManagedFields(merged) : undefined;
  if (l && m) m = asDryRun(l, m);
  const before = diffYaml(l);
  const after = diffYaml(m);
  if (before === after) return '';
  const livePath = `${opts.liveDir ?? '/tmp/LIVE-0'}/${opts.name}`;
  const mergedPath = `${opts.mergedDir ?? '/tmp/MERGED-0'}/${opts.name}`;
  const header = (exists: boolean): string | undefined =>
    opts.time === undefined ? undefined : diffTimestamp(exists ? opts.time : EPOCH);
  const body = createTwoFilesPatch(livePath, mergedPath, before, after, header(l !== undefined), header(m !== undefined), {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
  return `diff -u -N ${livePath} ${mergedPath}\n${body}`;
}

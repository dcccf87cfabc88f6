// The files of configMap, secret, projected and downwardAPI volumes (upstream pkg/volume/{configmap,secret,
// projected,downwardapi}: MakePayload), as the AtomicWriter (atomic-writer.ts) writes them. Pure: the objects
// are looked up by the caller. Errors are FailedMount messages naming objects and keys, never values.
import type { Volume } from 'kubernetes-types/core/v1.js';
import { posix } from 'node:path';
import type { ConfigMap, Container, Pod, Secret } from '../api/types.js';
import { ContainerConfigError, podFieldValue, resourceFieldValue } from './env.js';
import { MountError } from './volumes.js';

export interface PayloadFile {
  /** relative to the volume directory */
  path: string;
  data: Uint8Array;
  mode: number;
}

export interface ProjectionSources {
  /** ConfigMaps/Secrets of the pod's namespace by name (null or absent: not found) */
  configMaps: Record<string, ConfigMap | null | undefined>;
  secrets: Record<string, Secret | null | undefined>;
  /** for resourceFieldRef of unset limits */
  nodeAllocatable: { cpu: number; memory: number };
}

/** The volume kinds whose files kctl writes (and keeps up to date) with the AtomicWriter. */
export const PROJECTED_KINDS = ['configMap', 'secret', 'projected', 'downwardAPI'] as const;
export type ProjectedKind = (typeof PROJECTED_KINDS)[number];

export function projectedKind(v: Volume): ProjectedKind | undefined {
  return PROJECTED_KINDS.find((k) => v[k] !== undefined);
}

/** ConfigMaps/Secrets one volume reads. */
export function volumeObjectRefs(v: Volume): { configMaps: string[]; secrets: string[] } {
  const configMaps: string[] = [];
  const secrets: string[] = [];
  if (v.configMap?.name) configMaps.push(v.configMap.name);
  if (v.secret?.secretName) secrets.push(v.secret.secretName);
  for (const s of v.projected?.sources ?? []) {
    if (s.configMap?.name) configMaps.push(s.configMap.name);
    if (s.secret?.name) secrets.push(s.secret.name);
  }
  return { configMaps, secrets };
}

const setUpFailed = (vol: string, msg: string): MountError => new MountError(`MountVolume.SetUp failed for volume "${vol}" : ${msg}`);

function configMapData(cm: ConfigMap): Map<string, Uint8Array> {
  const data = new Map<string, Uint8Array>();
  for (const [k, val] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(val, 'utf8'));
  for (const [k, val] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(val, 'base64'));
  return data;
}

function secretData(s: Secret): Map<string, Uint8Array> {
  const data = new Map<string, Uint8Array>();
  for (const [k, val] of Object.entries(s.data ?? {})) data.set(k, Buffer.from(val, 'base64'));
  for (const [k, val] of Object.entries(s.stringData ?? {})) data.set(k, Buffer.from(val, 'utf8'));
  return data;
}

function safeRel(vol: string, p: string): string {
  const n = posix.normalize(p);
  if (posix.isAbsolute(p) || n === '..' || n.startsWith('../') || n === '.' || n.startsWith('..'))
    throw setUpFailed(vol, `invalid path ${JSON.stringify(p)}: must be relative and may not contain '..'`);
  return n;
}

/** The files of a key → data source: all keys, or `items` (key → path, mode). */
function keyFiles(
  vol: string,
  kind: 'configmap' | 'secret',
  data: Map<string, Uint8Array>,
  items: { key: string; path: string; mode?: number }[] | undefined,
  optional: boolean,
  defaultMode: number,
  out: PayloadFile[],
): void {
  if (!items?.length) {
    for (const [k, d] of data) out.push({ path: safeRel(vol, k), data: d, mode: defaultMode });
    return;
  }
  for (const it of items) {
    const d = data.get(it.key);
    if (d === undefined) {
      if (optional) continue;
      throw setUpFailed(vol, kind === 'configmap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`);
    }
    out.push({ path: safeRel(vol, it.path), data: d, mode: it.mode ?? defaultMode });
  }
}

/** upstream fieldpath.FormatMap: `key="value"` lines (Go %q), sorted, no final newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function downwardFiles(
  vol: string,
  pod: Pod,
  items: NonNullable<Volume['downwardAPI']>['items'],
  defaultMode: number,
  alloc: ProjectionSources['nodeAllocatable'],
  out: PayloadFile[],
): void {
  for (const it of items ?? []) {
    let value: string;
    try {
      if (it.fieldRef) {
        const fp = it.fieldRef.fieldPath;
        if (fp === 'metadata.labels') value = formatMap(pod.metadata?.labels);
        else if (fp === 'metadata.annotations') value = formatMap(pod.metadata?.annotations);
        else value = podFieldValue(pod, fp, { hostIP: '' });
      } else if (it.resourceFieldRef) {
        const self: Container = pod.spec?.containers?.[0] ?? { name: '' };
        value = resourceFieldValue(pod, self, it.resourceFieldRef, alloc);
      } else value = '';
    } catch (e) {
      if (e instanceof ContainerConfigError) throw setUpFailed(vol, e.message);
      throw e;
    }
    out.push({ path: safeRel(vol, it.path), data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
  }
}

/**
 * The files of a configMap/secret/projected/downwardAPI volume. Throws MountError (the FailedMount message)
 * for a missing object or key that is not optional. An optional missing object gives no files.
 */
export function volumePayload(pod: Pod, v: Volume, src: ProjectionSources): PayloadFile[] {
  const out: PayloadFile[] = [];
  const vol = v.name;
  if (v.configMap) {
    const name = v.configMap.name ?? '';
    const cm = src.configMaps[name];
    const mode = v.configMap.defaultMode ?? 0o644;
    if (!cm) {
      if (v.configMap.optional) return out;
      throw setUpFailed(vol, `configmap "${name}" not found`);
    }
    keyFiles(vol, 'configmap', configMapData(cm), v.configMap.items, !!v.configMap.optional, mode, out);
  } else if (v.secret) {
    const name = v.secret.secretName ?? '';
    const s = src.secrets[name];
    const mode = v.secret.defaultMode ?? 0o644;
    if (!s) {
      if (v.secret.optional) return out;
      throw setUpFailed(vol, `secret "${name}" not found`);
    }
    keyFiles(vol, 'secret', secretData(s), v.secret.items, !!v.secret.optional, mode, out);
  } else if (v.downwardAPI) {
    downwardFiles(vol, pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? 0o644, src.nodeAllocatable, out);
  } else if (v.projected) {
    const mode = v.projected.defaultMode ?? 0o644;
    // upstream collects every source's error and reports them together
    const errs: string[] = [];
    for (const s of v.projected.sources ?? []) {
      try {
        if (s.configMap) {
          const name = s.configMap.name ?? '';
          const cm = src.configMaps[name];
          if (!cm) {
            if (!s.configMap.optional) errs.push(`configmap "${name}" not found`);
            continue;
          }
          keyFiles(vol, 'configmap', configMapData(cm), s.configMap.items, !!s.configMap.optional, mode, out);
        } else if (s.secret) {
          const name = s.secret.name ?? '';
          const sec = src.secrets[name];
          if (!sec) {
            if (!s.secret.optional) errs.push(`secret "${name}" not found`);
            continue;
          }
          keyFiles(vol, 'secret', secretData(sec), s.secret.items, !!s.secret.optional, mode, out);
        } else if (s.downwardAPI) downwardFiles(vol, pod, s.downwardAPI.items, mode, src.nodeAllocatable, out);
        else {
          const kind = Object.keys(s)[0] ?? 'this';
          errs.push(`projected source ${kind} is not supported by kctl`);
        }
      } catch (e) {
        if (!(e instanceof MountError)) throw e;
        errs.push(e.message.replace(/^MountVolume\.SetUp failed for volume "[^"]*" : /, ''));
      }
    }
    if (errs.length) throw setUpFailed(vol, errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
  }
  return out;
}

// $KCTL_HOME/kubeconfig (0600): cluster `kctl` (the server URL and kctl's CA), user `kctl-admin` (the admin
// client certificate and key), context `kctl`, current. Written by the controller each time its API server
// starts (the port may differ from the last run); `export KUBECONFIG=~/.kctl/kubeconfig` points kubectl at it.
//
// `node:fs` is allowed here (an edge of the architecture): this module writes the kubeconfig file.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Pki } from './pki.js';
import { writeFileAtomic } from './pki.js';

export const KUBECONFIG_FILE = 'kubeconfig';
export const CONTEXT_NAME = 'kctl';
export const CLUSTER_NAME = 'kctl';
export const USER_NAME = 'kctl-admin';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The kubeconfig document (YAML, in kubectl's `config view --raw` layout). */
export function kubeconfigYaml(server: string, pki: Pick<Pki, 'ca' | 'admin'>): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(pki.ca.cert)}`,
    `    server: ${server}`,
    `  name: ${CLUSTER_NAME}`,
    'contexts:',
    '- context:',
    `    cluster: ${CLUSTER_NAME}`,
    `    user: ${USER_NAME}`,
    `  name: ${CONTEXT_NAME}`,
    `current-context: ${CONTEXT_NAME}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${USER_NAME}`,
    '  user:',
    `    client-certificate-data: ${b64(pki.admin.cert)}`,
    `    client-key-data: ${b64(pki.admin.key)}`,
    '',
  ].join('\n');
}

export const serverUrl = (host: string, port: number): string => `https://${host}:${port}`;

export const kubeconfigPath = (home: string): string => join(home, KUBECONFIG_FILE);

export async function writeKubeconfig(home: string, server: string, pki: Pick<Pki, 'ca' | 'admin'>): Promise<string> {
  const path = kubeconfigPath(home);
  await writeFileAtomic(path, kubeconfigYaml(server, pki), 0o600);
  return path;
}

/** The port of the server URL in an existing kubeconfig (to keep the same one across restarts). */
export async function previousPort(home: string): Promise<number | undefined> {
  try {
    const text = await readFile(kubeconfigPath(home), 'utf8');
    const m = /^\s*server: https:\/\/127\.0\.0\.1:(\d+)\s*$/m.exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---- merging kctl's context into a user's kubeconfig (as `kind export kubeconfig` does), and removing it

type Named = { name?: unknown } & Record<string, unknown>;
type Doc = Record<string, unknown>;
const list = (v: unknown): Named[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Named[]) : []);

/** `target` with kctl's cluster, user and context put in (replacing entries of the same names), current. */
export function mergeKubeconfig(target: Doc, ours: Doc): Doc {
  const out: Doc = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...target };
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const mine = list(ours[key]);
    const names = new Set(mine.map((x) => x.name));
    out[key] = [...list(target[key]).filter((x) => !names.has(x.name)), ...mine];
  }
  out['current-context'] = CONTEXT_NAME;
  return out;
}

/** `target` without kctl's cluster, user and context (current-context cleared when it was kctl's). */
export function removeFromKubeconfig(target: Doc): { doc: Doc; removed: boolean } {
  const out: Doc = { ...target };
  let removed = false;
  const drop = (key: string, name: string): void => {
    const before = list(target[key]);
    const after = before.filter((x) => x.name !== name);
    if (after.length !== before.length) removed = true;
    if (target[key] !== undefined) out[key] = after;
  };
  drop('clusters', CLUSTER_NAME);
  drop('users', USER_NAME);
  drop('contexts', CONTEXT_NAME);
  if (out['current-context'] === CONTEXT_NAME) out['current-context'] = '';
  return { doc: out, removed };
}

async function readYamlDoc(path: string): Promise<Doc> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const v: unknown = parseYaml(text);
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${path}: not a kubeconfig (a YAML mapping)`);
  return v as Doc;
}

async function writeYamlDoc(path: string, doc: Doc): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, stringifyYaml(doc), 0o600);
}

/** Merges $KCTL_HOME/kubeconfig into the kubeconfig at `path` and makes kctl its current context. */
export async function exportKubeconfig(home: string, path: string): Promise<void> {
  const ours = await readYamlDoc(kubeconfigPath(home));
  if (!Object.keys(ours).length) throw new Error(`no kubeconfig at ${kubeconfigPath(home)} yet: start the controller (kctl controller) first`);
  await writeYamlDoc(path, mergeKubeconfig(await readYamlDoc(path), ours));
}

/** Removes kctl's cluster, user and context from the kubeconfig at `path`; false when it had none. */
export async function removeKubeconfig(path: string): Promise<boolean> {
  const cur = await readYamlDoc(path);
  const { doc, removed } = removeFromKubeconfig(cur);
  if (removed) await writeYamlDoc(path, doc);
  return removed;
}

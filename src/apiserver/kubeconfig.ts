// $KCTL_HOME/kubeconfig (0600): cluster `kctl` (the server URL and kctl's CA), user `kctl-admin` (the admin
// client certificate and key), context `kctl`, current. Written by the controller each time its API server
// starts (the port may differ from the last run); `export KUBECONFIG=~/.kctl/kubeconfig` points kubectl at it.
//
// `node:fs` is allowed here (an edge of the architecture): this module writes the kubeconfig file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

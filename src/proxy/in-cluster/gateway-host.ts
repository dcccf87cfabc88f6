// The host side of the gateways (node:fs): where each gateway's config folder lives, how the controller
// writes it, and what the gateway container binds in to run the host's own node binary.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelperConfig } from '../../runtime/runtime.js';

export interface GatewayFiles {
  /** Replaces config.json of the gateway atomically; returns the folder (bound into the container). */
  write(namespace: string, name: string, text: string): Promise<string>;
  /** The `version` the gateway last acknowledged (undefined: none yet). */
  ack(namespace: string, name: string): Promise<number | undefined>;
  remove(namespace: string, name: string): Promise<void>;
}

/** Config folders under `<root>/<namespace>/<name>/` (root: $KCTL_HOME/run/gateways). */
export class NodeGatewayFiles implements GatewayFiles {
  constructor(private readonly root: string) {}

  private dir(ns: string, name: string): string {
    return join(this.root, ns, name);
  }

  async write(ns: string, name: string, text: string): Promise<string> {
    const d = this.dir(ns, name);
    await mkdir(d, { recursive: true, mode: 0o755 });
    const tmp = join(d, '.config.tmp');
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, join(d, 'config.json'));
    return d;
  }

  async ack(ns: string, name: string): Promise<number | undefined> {
    try {
      const v = (JSON.parse(await readFile(join(this.dir(ns, name), 'ack.json'), 'utf8')) as { version?: unknown }).version;
      return typeof v === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  async remove(ns: string, name: string): Promise<void> {
    await rm(this.dir(ns, name), { recursive: true, force: true });
  }
}

/** Where the gateway program and its config are inside the container. */
export const GATEWAY_PROGRAM = '/kctl/gateway.mjs';
export const GATEWAY_CONFIG_DIR = '/kctl/config';
const NODE_IN_CONTAINER = '/kctl/node';

/** The bundled gateway program next to this build (dist/gateway/gateway.mjs). */
export function gatewayProgramPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // from dist/proxy/in-cluster/ or dist/bundle/: the program is dist/gateway/gateway.mjs
  for (const p of [join(here, '../../gateway/gateway.mjs'), join(here, '../gateway/gateway.mjs')]) if (existsSync(p)) return p;
  return join(here, '../../gateway/gateway.mjs');
}

/**
 * The command and binds that run `program` with the host's node inside the pause image: the node binary,
 * the host's shared libraries (read-only) and ld.so.cache, so the dynamic loader finds what node links to.
 */
export function nodeGatewayCommand(configDir: string, program = gatewayProgramPath(), node = process.execPath): Pick<HelperConfig, 'command' | 'binds'> {
  const binds: HelperConfig['binds'] = [
    { hostPath: node, containerPath: NODE_IN_CONTAINER, readOnly: true },
    { hostPath: program, containerPath: GATEWAY_PROGRAM, readOnly: true },
    { hostPath: configDir, containerPath: GATEWAY_CONFIG_DIR },
  ];
  for (const d of ['/lib', '/lib64', '/usr/lib', '/usr/lib64', '/etc/ld.so.cache'])
    if (existsSync(d)) binds.push({ hostPath: d, containerPath: d, readOnly: true });
  return { command: [NODE_IN_CONTAINER, GATEWAY_PROGRAM, GATEWAY_CONFIG_DIR], binds };
}

// Starts the API server of a controller process: certificates from $KCTL_HOME/pki (made on first start, reused
// after), the HTTPS server on 127.0.0.1 (the configured port; by default 6443 when free, else the port of the
// last run, else any free one), then $KCTL_HOME/kubeconfig pointing at it.
import { join } from 'node:path';
import { ensurePki } from './pki.js';
import { previousPort, serverUrl, writeKubeconfig } from './kubeconfig.js';
import { ApiServer, type ApiLimits } from './server.js';
import { buildRoutes } from './route-table.js';
import type { ApiServerDeps } from './routes.js';

export const DEFAULT_API_PORT = 6443;
export const API_HOST = '127.0.0.1';

export interface ApiServerSetting {
  /** the port; 0: any free one */
  port: number;
  /** false: the default port, which may fall back to another when taken */
  explicit: boolean;
}

export interface RunningApiServer {
  server: ApiServer;
  port: number;
  url: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

const inUse = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

export async function startApiServer(
  home: string,
  setting: ApiServerSetting,
  deps: ApiServerDeps,
  opts: { limits?: Partial<ApiLimits> } = {},
): Promise<RunningApiServer> {
  const pki = await ensurePki(join(home, 'pki'));
  const server = new ApiServer({
    tls: { cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca.cert },
    routes: buildRoutes(deps),
    host: API_HOST,
    log: deps.log,
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const candidates = setting.explicit ? [setting.port] : [...new Set([setting.port, (await previousPort(home)) ?? 0, 0])];
  let port: number | undefined;
  let lastErr: unknown;
  for (const p of candidates) {
    try {
      port = await server.listen(p);
      break;
    } catch (e) {
      lastErr = e;
      if (!inUse(e)) throw e;
    }
  }
  if (port === undefined) throw lastErr;
  if (!setting.explicit && port !== setting.port) deps.log.info(`apiserver: port ${setting.port} is in use; serving on ${port}`);
  const url = serverUrl(API_HOST, port);
  const kubeconfig = await writeKubeconfig(home, url, pki);
  deps.log.info(`apiserver: serving the Kubernetes API on ${url} (kubeconfig ${kubeconfig})`);
  return { server, port, url, kubeconfig, stop: () => server.stop() };
}

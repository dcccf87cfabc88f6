// The API server's routes for the pod subresources that stream: log (a plain GET), exec, attach and
// portforward (upgrades). Thin: find the handler, hand it the raw request and the store's pod.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiRequest, ApiRoute, ApiRouteFactory, ApiServerDeps } from '../routes.js';
import { handleAttach, handleExec } from './exec.js';
import { StreamRequestError, badRequest, refuseUpgrade, writeError } from './http-status.js';
import { handleLog, type StreamPod } from './log.js';
import { podDialer } from './pod-dial.js';
import { handlePortForward } from './portforward.js';

const SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

const isPodStream = (r: ApiRequest): boolean =>
  r.info.isResourceRequest && r.info.apiPrefix === 'api' && r.info.apiGroup === '' && r.info.resource === 'pods' && r.info.name !== '' && SUBRESOURCES.has(r.info.subresource);

export const podStreamRoutes: ApiRouteFactory = (deps: ApiServerDeps): ApiRoute => {
  // noServer: the API server routes and authenticates the upgrade first; 64 MiB bounds a message
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  const getPod = (namespace: string, name: string): Promise<StreamPod | undefined> => deps.store.tryGet<StreamPod>({ resource: 'pods', namespace, name });
  const noRuntime = (): StreamRequestError => new StreamRequestError(500, 'the controller has no container runtime');
  return {
    name: 'pod-streams',
    matches: isPodStream,
    longRunning: (r) => r.info.subresource !== 'log' || /^(1|t|true|T|TRUE|True)$/.test(r.query.get('follow') ?? ''),
    async serve(r: ApiRequest, res: ServerResponse): Promise<void> {
      const { namespace, name, subresource } = r.info;
      if (subresource !== 'log') return writeError(res, badRequest('Upgrade request required'));
      if (r.method !== 'GET') return writeError(res, new StreamRequestError(405, `the server does not allow this method on the requested resource`));
      if (!deps.runtime) return writeError(res, noRuntime());
      await handleLog(r.raw, res, namespace, name, { getPod, runtime: deps.runtime, now: () => deps.clock.now() });
    },
    async upgrade(r: ApiRequest, socket: Duplex, head: Buffer): Promise<void> {
      const { namespace, name, subresource } = r.info;
      if (!deps.runtime) return refuseUpgrade(socket, noRuntime());
      const runtime = deps.runtime;
      if (subresource === 'exec') return handleExec(r.raw, socket, head, namespace, name, { getPod, runtime, wss });
      if (subresource === 'attach') return handleAttach(r.raw, socket, head, namespace, name, { getPod, runtime, wss });
      if (subresource === 'portforward')
        return handlePortForward(r.raw, socket, head, namespace, name, {
          getPod,
          wss,
          dial: podDialer(runtime),
          onError: (e) => deps.log.debug(`portforward ${namespace}/${name}: ${e.message}`),
        });
      refuseUpgrade(socket, badRequest(`${subresource} does not upgrade`));
    },
    close(): void {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
};

// The API server's plug-in point: an ApiRoute serves the requests it matches. The server (server.ts) does TLS,
// authentication, limits and error encoding, then offers each request to the routes in order (route-table.ts):
// the first whose matches() is true serves it. A route is a thin HTTP layer over the shared operations (store,
// api/, apply/): it decodes, calls, encodes, and throws errors (ApiStatusError, or any KctlError, which the
// server turns into upstream's Status).
//
// Plain requests go to serve(); `Connection: Upgrade` requests (WebSocket for exec/attach/portforward, SPDY) go
// to upgrade(), which owns the socket from then on. Long-running requests (watch, logs with follow, exec...)
// say so through longRunning(): they are exempt from the in-flight cap and the request timeout, as upstream's
// long-running request check exempts them.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Store } from '../store/store.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../reconcile/logger.js';
import type { RequestInfo } from './request-info.js';

/** Who sent the request (from the client certificate: CN is the user, O the groups). */
export interface UserInfo {
  name: string;
  groups: string[];
}

export interface ApiRequest {
  readonly method: string;
  /** the full request URL (path + query) */
  readonly url: URL;
  readonly query: URLSearchParams;
  readonly info: RequestInfo;
  readonly headers: IncomingHttpHeaders;
  readonly user: UserInfo;
  /** aborted when the client goes away or the server stops */
  readonly signal: AbortSignal;
  /** The request body, read at most up to the server's limit (beyond it: 413 RequestEntityTooLarge). */
  body(): Promise<Buffer>;
  /** the underlying request (streams that read the body themselves) */
  readonly raw: IncomingMessage;
}

/** What routes are built from: the controller process's store, runtime and clock. */
export interface ApiServerDeps {
  store: Store;
  /** the container runtime (exec, attach, logs, port-forward); absent in tests without one */
  runtime?: ContainerRuntime;
  clock: Clock;
  log: Logger;
}

export interface ApiRoute {
  readonly name: string;
  /** Whether this route serves the request (first match in the route table wins). */
  matches(req: ApiRequest): boolean;
  /** True for requests that may stream for long: no in-flight cap, no request timeout. */
  longRunning?(req: ApiRequest): boolean;
  /** Serves a plain request. Throw to answer an error Status (unless headers were sent: then the socket closes). */
  serve?(req: ApiRequest, res: ServerResponse): Promise<void>;
  /** Serves a `Connection: Upgrade` request; owns `socket` from then on (write the 101 response itself). */
  upgrade?(req: ApiRequest, socket: Duplex, head: Buffer): Promise<void> | void;
  /** Called when the server stops (close streams, timers). */
  close?(): void | Promise<void>;
}

export type ApiRouteFactory = (deps: ApiServerDeps) => ApiRoute;

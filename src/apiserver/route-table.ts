// The routes the API server offers each request to, in order (first match wins). Add a route factory to the
// list it belongs in; the REST routes (objects) come last because they match every /api and /apis path.
import type { ApiRoute, ApiRouteFactory, ApiServerDeps } from './routes.js';
import { systemRoutes } from './system-routes.js';
import { podStreamRoutes } from './streams/stream-routes.js';
import { discoveryRoutes } from './discovery.js';
import { openapiRoutes } from './openapi-routes.js';
import { restRoute } from './rest.js';

/**
 * Routes for pod subresources that stream (log, exec, attach, portforward): src/apiserver/streams/ adds its
 * factories here. They are offered requests before the REST routes.
 */
export const STREAM_ROUTES: ApiRouteFactory[] = [podStreamRoutes];

/** Discovery, OpenAPI and the objects (filled in by the modules that serve them). */
export const RESOURCE_ROUTES: ApiRouteFactory[] = [() => discoveryRoutes()[0]!, () => openapiRoutes()[0]!, (d) => restRoute(d)];

export function buildRoutes(deps: ApiServerDeps): ApiRoute[] {
  return [...systemRoutes(), ...STREAM_ROUTES.map((f) => f(deps)), ...RESOURCE_ROUTES.map((f) => f(deps))];
}

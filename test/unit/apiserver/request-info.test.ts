import { describe, expect, it } from 'vitest';
import { requestInfo } from '../../../src/apiserver/request-info.js';

const ri = (method: string, url: string) => {
  const u = new URL(url, 'https://x');
  const i = requestInfo(method, u.pathname, u.searchParams);
  return [i.isResourceRequest, i.verb, i.apiGroup, i.apiVersion, i.namespace, i.resource, i.name, i.subresource];
};

describe('requestInfo (upstream RequestInfoFactory)', () => {
  it.each([
    ['GET', '/version', [false, 'get', '', '', '', '', '', '']],
    ['GET', '/api', [false, 'get', '', '', '', '', '', '']],
    ['GET', '/api/v1', [false, 'get', '', '', '', '', '', '']],
    ['GET', '/apis/apps/v1', [false, 'get', '', '', '', '', '', '']],
    ['GET', '/api/v1/pods', [true, 'list', '', 'v1', '', 'pods', '', '']],
    ['GET', '/api/v1/pods?watch=true', [true, 'watch', '', 'v1', '', 'pods', '', '']],
    ['GET', '/api/v1/namespaces', [true, 'list', '', 'v1', '', 'namespaces', '', '']],
    ['GET', '/api/v1/namespaces/default', [true, 'get', '', 'v1', 'default', 'namespaces', 'default', '']],
    ['PUT', '/api/v1/namespaces/x/finalize', [true, 'update', '', 'v1', 'x', 'namespaces', 'x', 'finalize']],
    ['GET', '/api/v1/namespaces/ns/pods', [true, 'list', '', 'v1', 'ns', 'pods', '', '']],
    ['GET', '/api/v1/namespaces/ns/pods/p/log', [true, 'get', '', 'v1', 'ns', 'pods', 'p', 'log']],
    ['POST', '/api/v1/namespaces/ns/pods/p/exec', [true, 'create', '', 'v1', 'ns', 'pods', 'p', 'exec']],
    ['POST', '/apis/apps/v1/namespaces/ns/deployments', [true, 'create', 'apps', 'v1', 'ns', 'deployments', '', '']],
    ['PATCH', '/apis/apps/v1/namespaces/ns/deployments/web/scale', [true, 'patch', 'apps', 'v1', 'ns', 'deployments', 'web', 'scale']],
    ['DELETE', '/apis/apps/v1/namespaces/ns/deployments', [true, 'deletecollection', 'apps', 'v1', 'ns', 'deployments', '', '']],
    ['DELETE', '/apis/apps/v1/namespaces/ns/deployments/web', [true, 'delete', 'apps', 'v1', 'ns', 'deployments', 'web', '']],
    ['GET', '/api/v1/watch/namespaces/ns/pods', [true, 'watch', '', 'v1', 'ns', 'pods', '', '']],
    ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aview', [true, 'get', 'rbac.authorization.k8s.io', 'v1', '', 'clusterroles', 'system:view', '']],
  ])('%s %s', (method, url, want) => {
    expect(ri(method, url)).toEqual(want);
  });
});

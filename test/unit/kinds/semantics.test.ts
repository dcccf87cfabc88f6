// The API server's cross-field checks for the 1.32 kinds kctl stores (upstream pkg/apis/*/validation wording).
import { describe, expect, it } from 'vitest';
import { validateObject } from '../../../src/api/validate.js';

const errors = async (obj: object): Promise<string[]> =>
  (await validateObject(obj)).filter((e) => e.severity === 'error').map((e) => `${e.path}: ${e.message}`);

const rc = (spec: object) => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec });

describe('semantic checks of the 1.32 kinds', () => {
  it('ReplicationController: selector matches the template, and the template is a valid pod spec', async () => {
    expect(await errors(rc({ selector: { app: 'a' }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }))).toEqual([]);
    expect(await errors(rc({ selector: { app: 'a' }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    ]);
    const noImage = await errors(rc({ selector: { app: 'a' }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c' }] } } }));
    expect(noImage).toContain('spec.template.spec.containers[0].image: Required value');
  });

  it('HorizontalPodAutoscaler: replica bounds', async () => {
    const hpa = (minReplicas: number, maxReplicas: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas, maxReplicas },
    });
    expect(await errors(hpa(1, 3))).toEqual([]);
    expect(await errors(hpa(0, 3))).toEqual(['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1']);
    expect(await errors(hpa(4, 3))).toEqual(['spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`']);
  });

  it('PodDisruptionBudget: minAvailable and maxUnavailable are exclusive', async () => {
    const e = await errors({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1, maxUnavailable: '50%' } });
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^spec: Invalid value: .*: minAvailable and maxUnavailable cannot be both set$/);
  });

  it('Ingress: Prefix and Exact paths are absolute', async () => {
    const ing = (path: string) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: { rules: [{ http: { paths: [{ path, pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] },
    });
    expect(await errors(ing('/api'))).toEqual([]);
    expect(await errors(ing('api'))).toEqual(['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']);
  });

  it('RoleBinding / ClusterRoleBinding: roleRef and subjects', async () => {
    const crb = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'default' }, { kind: 'Robot', name: 'x' }, { kind: 'User', name: 'alice' }],
    };
    expect(await errors(crb)).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[2].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
    ]);
  });

  it('PriorityClass: reserved names and the user-defined maximum', async () => {
    const pc = (name: string, value: number) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    expect(await errors(pc('high', 1000))).toEqual([]);
    expect(await errors(pc('system-mine', 1000))).toEqual(['metadata.name: Invalid value: "system-mine": priority class names with \'system-\' prefix are reserved']);
    expect(await errors(pc('huge', 2_000_000_000))).toEqual(['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  });

  it('CustomResourceDefinition: the name is plural.group', async () => {
    const crd = (name: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true }] },
    });
    expect(await errors(crd('widgets.example.com'))).toEqual([]);
    expect(await errors(crd('widget.example.com'))).toEqual(['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group']);
  });
});

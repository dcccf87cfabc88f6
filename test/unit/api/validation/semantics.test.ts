import { describe, expect, it } from 'vitest';
import { kindByKind, type KindInfo } from '../../../../src/api/kinds.js';
import { unsupportedFieldWarnings, validateSemantics } from '../../../../src/api/validation/semantics.js';

const kind = (k: string): KindInfo => {
  const ki = kindByKind(undefined, k);
  if (!ki) throw new Error(k);
  return ki;
};
const lines = (o: Record<string, unknown>, k: string) => validateSemantics(o, kind(k)).map((e) => `${e.path}: ${e.message}`);
const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const deploy = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: {
    selector: { matchLabels: { app: 'd' } },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    ...spec,
  },
});

describe('validateSemantics', () => {
  it.each([
    ['no name nor generateName', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, 'ConfigMap', 'metadata.name: Required value: name or generateName is required'],
    [
      'bad namespace',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'Team_A' } },
      'ConfigMap',
      'metadata.namespace: Invalid value: "Team_A": a lowercase RFC 1123 label must consist of',
    ],
    [
      'annotation key',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'a b': 'x' } } },
      'ConfigMap',
      'metadata.annotations: Invalid value: "a b": name part must consist of',
    ],
    ['hostPort conflict', pod({ containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'i', ports: [{ containerPort: 81, hostPort: 8080 }] }] }), 'Pod', 'spec.containers[1].ports[0].hostPort: Duplicate value: "8080/TCP"'],
    ['envFrom without source', pod({ containers: [{ name: 'a', image: 'i', envFrom: [{ prefix: 'X_' }] }] }), 'Pod', 'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'],
    ['valueFrom with two sources', pod({ containers: [{ name: 'a', image: 'i', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' }, secretKeyRef: { name: 's', key: 'k' } } }] }] }), 'Pod', 'spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time'],
    ['resourceFieldRef resource', pod({ containers: [{ name: 'a', image: 'i', env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }] }), 'Pod', 'spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu"'],
    ['negative request', pod({ containers: [{ name: 'a', image: 'i', resources: { requests: { memory: '-1Mi' } } }] }), 'Pod', 'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0'],
    ['probe port name', pod({ containers: [{ name: 'a', image: 'i', readinessProbe: { httpGet: { port: 'Web_Port' } } }] }), 'Pod', 'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web_Port": must contain only alpha-numeric characters'],
    ['exec without command', pod({ containers: [{ name: 'a', image: 'i', livenessProbe: { exec: {} } }] }), 'Pod', 'spec.containers[0].livenessProbe.exec.command: Required value'],
    ['lifecycle handler', pod({ containers: [{ name: 'a', image: 'i', lifecycle: { preStop: {} } }] }), 'Pod', 'spec.containers[0].lifecycle.preStop: Required value: must specify a handler type'],
    ['configMap volume item path', pod({ containers: [{ name: 'a', image: 'i' }], volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'k', path: '../x' }] } }] }), 'Pod', "spec.volumes[0].configMap.items[0].path: Invalid value: \"../x\": must not contain '..'"],
    ['defaultMode', pod({ containers: [{ name: 'a', image: 'i' }], volumes: [{ name: 'v', secret: { secretName: 's', defaultMode: 1000 } }] }), 'Pod', 'spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive'],
    ['volume name', pod({ containers: [{ name: 'a', image: 'i' }], volumes: [{ name: 'My_Vol', emptyDir: {} }] }), 'Pod', 'spec.volumes[0].name: Invalid value: "My_Vol": a lowercase RFC 1123 label'],
    ['container name', pod({ containers: [{ name: 'Web', image: 'i' }] }), 'Pod', 'spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label'],
    ['activeDeadlineSeconds', pod({ containers: [{ name: 'a', image: 'i' }], activeDeadlineSeconds: 0 }), 'Pod', 'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 4294967295, inclusive'],
    ['nodeSelector', pod({ containers: [{ name: 'a', image: 'i' }], nodeSelector: { disk: 'fast ssd' } }), 'Pod', 'spec.nodeSelector: Invalid value: "fast ssd": a valid label must be'],
    ['template activeDeadlineSeconds', deploy({ template: { metadata: { labels: { app: 'd' } }, spec: { activeDeadlineSeconds: 5, containers: [{ name: 'c', image: 'i' }] } } }), 'Deployment', 'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    ['selector label syntax', deploy({ selector: { matchLabels: { app: 'a b' } } }), 'Deployment', 'spec.selector.matchLabels: Invalid value: "a b"'],
    ['Exists with values', deploy({ selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['d'] }] } }), 'Deployment', "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
    ['revisionHistoryLimit', deploy({ revisionHistoryLimit: -2 }), 'Deployment', 'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0'],
    ['job selector mismatch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { selector: { matchLabels: { job: 'x' } }, template: { metadata: { labels: { job: 'y' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } }, 'Job', 'spec.template.metadata.labels: Invalid value: map[string]string{"job":"y"}: `selector` does not match template `labels`'],
    ['job indexed completions', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } }, 'Job', 'spec.completions: Required value: when completion mode is Indexed'],
    ['job backoffLimit', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { backoffLimit: -1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } }, 'Job', 'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
    ['cronjob TZ', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: 'CRON_TZ=UTC 0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } } }, 'CronJob', 'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ['statefulset partition', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, 'StatefulSet', 'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'],
    ['statefulset claim template storage', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } } }] } }, 'StatefulSet', 'spec.volumeClaimTemplates[0].spec.resources[storage]: Invalid value: "0": must be greater than zero'],
    ['daemonset OnDelete with rollingUpdate', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, updateStrategy: { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, 'DaemonSet', "spec.updateStrategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'OnDelete'"],
    ['service duplicate port', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] } }, 'Service', 'spec.ports[1]: Duplicate value: "80/TCP"'],
    ['service selector', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { app: 'a b' } } }, 'Service', 'spec.selector: Invalid value: "a b"'],
    ['externalName syntax', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ExternalName', externalName: 'Not_A_Host' } }, 'Service', 'spec.externalName: Invalid value: "Not_A_Host": a lowercase RFC 1123 subdomain'],
    ['secret dockerconfigjson', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson', data: {} }, 'Secret', 'data[.dockerconfigjson]: Required value'],
    ['secret basic-auth without username nor password', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/basic-auth', stringData: { user: 'x' } }, 'Secret', 'data[username]: Required value'],
    ['secret dockerconfigjson not JSON', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': 'x' } }, 'Secret', `data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character 'x' looking for beginning of value`],
    ['secret dockerconfigjson not an object', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('[1]').toString('base64') } }, 'Secret', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['secret stringData key', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { 'a b': 'x' } }, 'Secret', 'stringData[a b]: Invalid value: "a b": a valid config key must consist of'],
    ['pv capacity', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } }, 'PersistentVolume', 'spec.capacity: Required value'],
    ['pv source', { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }, 'PersistentVolume', 'spec: Required value: must specify a volume type'],
    ['endpoints port', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ ports: [{ port: 0 }] }] }, 'Endpoints', 'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
  ])('%s', (_name, o, k, want) => {
    const got = lines(o as Record<string, unknown>, k);
    expect(got.some((l) => l.includes(want)), `"${want}" not in\n${got.join('\n')}`).toBe(true);
  });

  it('duplicate container ports are a warning, as upstream warns', () => {
    const errs = validateSemantics(pod({ containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80 }] }, { name: 'b', image: 'i', ports: [{ containerPort: 80 }] }] }), kind('Pod'));
    expect(errs).toEqual([
      expect.objectContaining({ path: 'spec.containers[1].ports[0]', message: 'duplicate port definition with spec.containers[0].ports[0]', severity: 'warning' }),
    ]);
  });

  it('a StatefulSet may mount its volumeClaimTemplates', () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    expect(lines(sts, 'StatefulSet')).toEqual([]);
  });

  it('survives values of the wrong type (the schema reports those)', () => {
    const weird = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: 'x', spec: { replicas: 'x', selector: [], template: { spec: { containers: 'nginx', volumes: {} } } } };
    expect(() => validateSemantics(weird, kind('Deployment'))).not.toThrow();
  });

  it('never echoes a secret value', () => {
    const got = lines({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'sup3r-s3cret!' } }, 'Secret');
    expect(got).toHaveLength(1);
    expect(got[0]).not.toContain('sup3r');
  });
});

describe('unsupportedFieldWarnings', () => {
  it('flags fields kctl cannot honour, at their path, as warnings', () => {
    const d = deploy({});
    const spec = (d.spec.template as { spec: Record<string, unknown> }).spec;
    Object.assign(spec, {
      affinity: { nodeAffinity: {} },
      tolerations: [{ operator: 'Exists' }],
      topologySpreadConstraints: [{ maxSkew: 1 }],
      hostNetwork: true,
      serviceAccountName: 'builder',
      priorityClassName: 'high',
      nodeName: 'node-1',
      schedulerName: 'default-scheduler',
      volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', nfs: { server: 's', path: '/' } }, { name: 'c', persistentVolumeClaim: { claimName: 'x' } }],
    });
    expect(unsupportedFieldWarnings(d, kind('Deployment')).map((e) => `${e.severity} ${e.path}: ${e.message}`)).toEqual([
      'warning spec.template.spec.affinity: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.tolerations: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.topologySpreadConstraints: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.nodeName: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.priorityClassName: accepted but not honoured by kctl (single node)',
      'warning spec.template.spec.hostNetwork: accepted but not honoured by kctl (not supported)',
      'warning spec.template.spec.serviceAccountName: accepted but not honoured by kctl (no service account tokens)',
      'warning spec.template.spec.volumes[1].nfs: accepted but not honoured by kctl (volume type not supported)',
    ]);
  });

  it('looks into a CronJob job template and ignores hostNetwork: false', () => {
    const cj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: { hostNetwork: false, tolerations: [{ operator: 'Exists' }], containers: [] } } } } },
    };
    expect(unsupportedFieldWarnings(cj, kind('CronJob')).map((e) => e.path)).toEqual(['spec.jobTemplate.spec.template.spec.tolerations']);
  });

  it('has nothing to say about kinds without pod specs', () => {
    expect(unsupportedFieldWarnings({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, kind('ConfigMap'))).toEqual([]);
  });
});

// Server-side defaulting, as the API server applies it on every create and update (k8s.io/api
// pkg/apis/{core,apps,batch}/v1/defaults.go). What the store holds is what the controllers read, so a
// Deployment without `replicas` is stored with `replicas: 1`, a container without imagePullPolicy gets the
// Kubernetes rule, and so on. Pure: mutates and returns the object passed in.
import type { KubeObject } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objAt = (o: Obj, key: string): Obj => {
  if (!isObj(o[key])) o[key] = {};
  return o[key] as Obj;
};
const setIfMissing = (o: Obj, key: string, value: unknown): void => {
  if (o[key] === undefined || o[key] === null) o[key] = value;
};
const each = (v: unknown, fn: (o: Obj) => void): void => {
  if (Array.isArray(v)) for (const x of v) if (isObj(x)) fn(x);
};

/** Kubernetes' rule: Always for `:latest` or an untagged image, IfNotPresent otherwise (digests count as tags). */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setIfMissing(p, 'timeoutSeconds', 1);
  setIfMissing(p, 'periodSeconds', 10);
  setIfMissing(p, 'successThreshold', 1);
  setIfMissing(p, 'failureThreshold', 3);
  if (isObj(p.httpGet)) {
    setIfMissing(p.httpGet, 'path', '/');
    setIfMissing(p.httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Obj): void {
  setIfMissing(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfMissing(c, 'terminationMessagePath', '/dev/termination-log');
  setIfMissing(c, 'terminationMessagePolicy', 'File');
  setIfMissing(c, 'resources', {});
  each(c.ports, (p) => setIfMissing(p, 'protocol', 'TCP'));
  each(c.env, (e) => {
    if (isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) setIfMissing(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  });
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: Obj): void {
  setIfMissing(spec, 'restartPolicy', 'Always');
  setIfMissing(spec, 'dnsPolicy', 'ClusterFirst');
  setIfMissing(spec, 'terminationGracePeriodSeconds', 30);
  setIfMissing(spec, 'securityContext', {});
  setIfMissing(spec, 'schedulerName', 'default-scheduler');
  each(spec.containers, defaultContainer);
  each(spec.initContainers, defaultContainer);
  each(spec.volumes, (v) => {
    // SetDefaults_Volume: a volume naming no source is an emptyDir
    if (Object.keys(v).every((k) => k === 'name' || v[k] === null || v[k] === undefined)) v.emptyDir = {};
    if (isObj(v.configMap)) setIfMissing(v.configMap, 'defaultMode', 420);
    if (isObj(v.secret)) setIfMissing(v.secret, 'defaultMode', 420);
    if (isObj(v.projected)) setIfMissing(v.projected, 'defaultMode', 420);
    if (isObj(v.downwardAPI)) setIfMissing(v.downwardAPI, 'defaultMode', 420);
    if (isObj(v.hostPath)) setIfMissing(v.hostPath, 'type', '');
  });
}

/** What a Job's spec and a CronJob's jobTemplate.spec share (upstream SetDefaults_Job after completions/parallelism). */
function defaultJobSpec(spec: Obj): void {
  setIfMissing(spec, 'backoffLimit', 6);
  setIfMissing(spec, 'completionMode', 'NonIndexed');
  setIfMissing(spec, 'suspend', false);
  setIfMissing(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(spec);
}

function defaultTemplate(spec: Obj): void {
  const tpl = objAt(spec, 'template');
  defaultPodSpec(objAt(tpl, 'spec'));
}

const DEFAULTERS: Record<string, (o: Obj) => void> = {
  Pod(o) {
    const spec = objAt(o, 'spec');
    defaultPodSpec(spec);
    setIfMissing(spec, 'enableServiceLinks', true);
  },
  Deployment(o) {
    const spec = objAt(o, 'spec');
    setIfMissing(spec, 'replicas', 1);
    const strategy = objAt(spec, 'strategy');
    setIfMissing(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = objAt(strategy, 'rollingUpdate');
      setIfMissing(ru, 'maxUnavailable', '25%');
      setIfMissing(ru, 'maxSurge', '25%');
    }
    setIfMissing(spec, 'revisionHistoryLimit', 10);
    setIfMissing(spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(spec);
  },
  ReplicaSet(o) {
    const spec = objAt(o, 'spec');
    setIfMissing(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  StatefulSet(o) {
    const spec = objAt(o, 'spec');
    setIfMissing(spec, 'replicas', 1);
    setIfMissing(spec, 'podManagementPolicy', 'OrderedReady');
    const us = objAt(spec, 'updateStrategy');
    setIfMissing(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') setIfMissing(objAt(us, 'rollingUpdate'), 'partition', 0);
    setIfMissing(spec, 'revisionHistoryLimit', 10);
    const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
    setIfMissing(retention, 'whenDeleted', 'Retain');
    setIfMissing(retention, 'whenScaled', 'Retain');
    each(spec.volumeClaimTemplates, (t) => {
      setIfMissing(objAt(t, 'spec'), 'volumeMode', 'Filesystem');
    });
    defaultTemplate(spec);
  },
  DaemonSet(o) {
    const spec = objAt(o, 'spec');
    const us = objAt(spec, 'updateStrategy');
    setIfMissing(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = objAt(us, 'rollingUpdate');
      setIfMissing(ru, 'maxUnavailable', 1);
      setIfMissing(ru, 'maxSurge', 0);
    }
    setIfMissing(spec, 'revisionHistoryLimit', 10);
    defaultTemplate(spec);
  },
  Job(o) {
    const spec = objAt(o, 'spec');
    // upstream SetDefaults_Job: completions only when parallelism is unset too (unset completions: the first
    // success ends the Job)
    if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
    setIfMissing(spec, 'parallelism', 1);
    defaultJobSpec(spec);
  },
  CronJob(o) {
    const spec = objAt(o, 'spec');
    setIfMissing(spec, 'concurrencyPolicy', 'Allow');
    setIfMissing(spec, 'suspend', false);
    setIfMissing(spec, 'successfulJobsHistoryLimit', 3);
    setIfMissing(spec, 'failedJobsHistoryLimit', 1);
    const jt = objAt(spec, 'jobTemplate');
    defaultJobSpec(objAt(jt, 'spec'));
  },
  Service(o) {
    const spec = objAt(o, 'spec');
    setIfMissing(spec, 'type', 'ClusterIP');
    if (spec.type === 'ExternalName') return;
    setIfMissing(spec, 'sessionAffinity', 'None');
    setIfMissing(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfMissing(spec, 'externalTrafficPolicy', 'Cluster');
    each(spec.ports, (p) => {
      setIfMissing(p, 'protocol', 'TCP');
      setIfMissing(p, 'targetPort', p.port);
    });
  },
  Secret(o) {
    setIfMissing(o, 'type', 'Opaque');
    // stringData is write-only: the API server merges it into data (base64) and never stores it
    if (isObj(o.stringData)) {
      const data = isObj(o.data) ? o.data : (o.data = {});
      for (const [k, v] of Object.entries(o.stringData)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
      delete o.stringData;
    }
  },
  PersistentVolumeClaim(o) {
    setIfMissing(objAt(o, 'spec'), 'volumeMode', 'Filesystem');
  },
  Namespace(o) {
    setIfMissing(objAt(o, 'spec'), 'finalizers', ['kubernetes']);
  },
};

/** Applies the API server's defaults for the object's kind. Idempotent. */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  DEFAULTERS[obj.kind]?.(obj as unknown as Obj);
  return obj;
}

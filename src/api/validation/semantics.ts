// Entry points: the semantic checks of one object by kind, and the fields kctl accepts but cannot honour.
import type { FieldError } from '../../util/errors.js';
import type { KindInfo } from '../kinds.js';
import { validateDaemonSetSpec, validateDeploymentSpec, validateStatefulSetSpec } from './apps.js';
import { validateCronJobSpec, validateJobSpec } from './batch.js';
import { MAX_CONFIG_SIZE, validateDataKeys, validatePersistentVolumeClaimSpec, validatePersistentVolumeSpec, validatePortList, validateSecret, validateServiceSpec } from './core.js';
import { FieldPath, tooLong, warning } from './field.js';
import { arr, obj, type Obj } from './json.js';
import { validateObjectMeta } from './meta.js';
import { SUPPORTED_VOLUME_TYPES, validatePodSpec } from './pod.js';

/** Semantic validation of one object of a known kind (its metadata included). */
export function validateSemantics(o: Obj, ki: KindInfo): FieldError[] {
  const errs = validateObjectMeta(o.metadata, ki);
  const spec = obj(o.spec);
  const sp = FieldPath.root('spec');
  switch (ki.kind) {
    case 'Pod':
      if (spec || o.spec === undefined) errs.push(...validatePodSpec(spec ?? {}, sp));
      break;
    case 'Deployment':
      if (spec) validateDeploymentSpec(spec, sp, errs, 'deployment');
      break;
    case 'ReplicaSet':
      if (spec) validateDeploymentSpec(spec, sp, errs, 'replicaset');
      break;
    case 'StatefulSet':
      if (spec) validateStatefulSetSpec(spec, sp, errs);
      break;
    case 'DaemonSet':
      if (spec) validateDaemonSetSpec(spec, sp, errs);
      break;
    case 'Job':
      if (spec) validateJobSpec(spec, sp, errs);
      break;
    case 'CronJob':
      if (spec) validateCronJobSpec(spec, sp, errs);
      break;
    case 'Service':
      if (spec) validateServiceSpec(spec, sp, errs);
      break;
    case 'ConfigMap': {
      const size = validateDataKeys(o, ['data', 'binaryData'], errs, ['binaryData']);
      if (size > MAX_CONFIG_SIZE) errs.push(tooLong(FieldPath.root('data'), MAX_CONFIG_SIZE));
      break;
    }
    case 'Secret':
      validateSecret(o, errs);
      break;
    case 'PersistentVolumeClaim':
      validatePersistentVolumeClaimSpec(spec, sp, errs);
      break;
    case 'PersistentVolume':
      if (spec) validatePersistentVolumeSpec(spec, sp, errs);
      break;
    case 'Endpoints':
      arr(o.subsets).forEach((raw, i) => validatePortList(obj(raw)?.ports, FieldPath.root('subsets').index(i).child('ports'), errs, true));
      break;
    case 'EndpointSlice':
      validatePortList(o.ports, FieldPath.root('ports'), errs, false);
      break;
  }
  return errs;
}

/** Where the pod specs of an object are: Pod spec, workload templates, a CronJob's job template. */
export function podSpecPaths(o: Obj, ki: KindInfo): { spec: Obj; path: FieldPath }[] {
  const spec = obj(o.spec);
  if (!spec) return [];
  const at = (s: unknown, path: FieldPath) => (obj(s) ? [{ spec: obj(s)!, path }] : []);
  switch (ki.kind) {
    case 'Pod':
      return at(spec, FieldPath.root('spec'));
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return at(obj(spec.template)?.spec, FieldPath.root('spec', 'template', 'spec'));
    case 'CronJob':
      return at(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec, FieldPath.root('spec', 'jobTemplate', 'spec', 'template', 'spec'));
    default:
      return [];
  }
}

const NOT_HONOURED: Record<string, string> = {
  affinity: 'single node',
  tolerations: 'single node',
  topologySpreadConstraints: 'single node',
  nodeName: 'single node',
  priorityClassName: 'single node',
  priority: 'single node',
  preemptionPolicy: 'single node',
  schedulerName: 'single node',
  schedulingGates: 'single node',
  runtimeClassName: 'single runtime',
  hostNetwork: 'not supported',
  hostPID: 'not supported',
  hostIPC: 'not supported',
  serviceAccountName: 'no service account tokens',
  serviceAccount: 'no service account tokens',
  readinessGates: 'not supported',
  resourceClaims: 'not supported',
  ephemeralContainers: 'not supported',
  overhead: 'not supported',
};

/**
 * Fields kctl accepts but cannot honour, as severity 'warning':
 * `spec.template.spec.affinity: accepted but not honoured by kctl (single node)`.
 */
export function unsupportedFieldWarnings(o: Obj, ki: KindInfo): FieldError[] {
  const out: FieldError[] = [];
  for (const { spec, path } of podSpecPaths(o, ki)) {
    for (const [field, why] of Object.entries(NOT_HONOURED)) {
      const v = spec[field];
      if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
      if (field === 'schedulerName' && v === 'default-scheduler') continue;
      out.push(warning(path.child(field), `accepted but not honoured by kctl (${why})`));
    }
    arr(spec.volumes).forEach((raw, i) => {
      const v = obj(raw) ?? {};
      for (const t of Object.keys(v))
        if (t !== 'name' && !SUPPORTED_VOLUME_TYPES.includes(t))
          out.push(warning(path.child('volumes').index(i).child(t), 'accepted but not honoured by kctl (volume type not supported)'));
    });
  }
  return out;
}

// Deployments, ReplicaSets, StatefulSets, DaemonSets (pkg/apis/apps/validation).
import type { FieldError } from '../../util/errors.js';
import { validatePersistentVolumeClaimSpec } from './core.js';
import { FieldPath, forbidden, invalid, required } from './field.js';
import { PERCENT_FMT, PERCENT_RE, dns1123Subdomain, regexError } from './formats.js';
import { arr, int, obj, str, type Obj } from './json.js';
import { nonNegative } from './meta.js';
import { validateSelectorAndTemplate } from './template.js';

function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && PERCENT_RE.test(v) ? Number(v.slice(0, -1)) : undefined;
}

/** ValidatePositiveIntOrPercent */
function positiveIntOrPercent(v: unknown, p: FieldPath, errs: FieldError[]): void {
  if (typeof v === 'string') {
    if (!PERCENT_RE.test(v))
      errs.push(invalid(p, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')));
  } else nonNegative(v, p, errs);
}

function notMoreThan100Percent(v: unknown, p: FieldPath, errs: FieldError[]): void {
  const pct = percentValue(v);
  if (pct !== undefined && pct > 100) errs.push(invalid(p, v, 'must not be greater than 100%'));
}

/** maxSurge/maxUnavailable of a Deployment or DaemonSet rolling update (defaults: 25% / 25%, DaemonSet: 1 / 0). */
function validateRollingUpdate(ru: Obj, p: FieldPath, defaults: { maxSurge: unknown; maxUnavailable: unknown }, errs: FieldError[]): void {
  const maxUnavailable = ru.maxUnavailable ?? defaults.maxUnavailable;
  const maxSurge = ru.maxSurge ?? defaults.maxSurge;
  positiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable'), errs);
  positiveIntOrPercent(ru.maxSurge, p.child('maxSurge'), errs);
  const zero = (v: unknown) => v === 0 || percentValue(v) === 0;
  if (zero(maxUnavailable) && zero(maxSurge)) errs.push(invalid(p.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  notMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable'), errs);
}

export function validateDeploymentSpec(spec: Obj, p: FieldPath, errs: FieldError[], what: 'deployment' | 'replicaset'): void {
  nonNegative(spec.replicas, p.child('replicas'), errs);
  validateSelectorAndTemplate(
    spec,
    p,
    {
      what: 'deployment', // upstream's ReplicaSet validation reuses the Deployment wording
      selectorRequired: true,
      restartPolicies: ['Always'],
      activeDeadlineForbidden: 'activeDeadlineSeconds in ReplicaSet is not Supported',
    },
    errs,
  );
  nonNegative(spec.minReadySeconds, p.child('minReadySeconds'), errs);
  nonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit'), errs);
  if (what === 'replicaset') return;
  const strategy = obj(spec.strategy);
  if (strategy) {
    const sp = p.child('strategy');
    if (strategy.type === 'Recreate' && strategy.rollingUpdate !== undefined)
      errs.push(forbidden(sp.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
    const ru = obj(strategy.rollingUpdate);
    if (ru && strategy.type !== 'Recreate') validateRollingUpdate(ru, sp.child('rollingUpdate'), { maxSurge: '25%', maxUnavailable: '25%' }, errs);
  }
  const pds = int(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    nonNegative(pds, p.child('progressDeadlineSeconds'), errs);
    if (pds <= (int(spec.minReadySeconds) ?? 0)) errs.push(invalid(p.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
}

export function validateStatefulSetSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  nonNegative(spec.replicas, p.child('replicas'), errs);
  const claimNames: string[] = [];
  arr(spec.volumeClaimTemplates).forEach((raw, i) => {
    const pvc = obj(raw) ?? {};
    const ip = p.child('volumeClaimTemplates').index(i);
    const name = str(obj(pvc.metadata)?.name);
    if (!name) errs.push(required(ip.child('metadata', 'name')));
    else {
      for (const m of dns1123Subdomain(name)) errs.push(invalid(ip.child('metadata', 'name'), name, m));
      claimNames.push(name);
    }
    validatePersistentVolumeClaimSpec(pvc.spec, ip.child('spec'), errs);
  });
  // Upstream skips the pod spec of a StatefulSet template (volumes come from the claim templates); kctl checks it
  // with the claim template names counted as volumes, so mounts of unknown volumes are still caught.
  validateSelectorAndTemplate(
    spec,
    p,
    {
      what: 'statefulset',
      selectorRequired: true,
      restartPolicies: ['Always'],
      activeDeadlineForbidden: 'activeDeadlineSeconds in StatefulSet is not Supported',
      extraVolumes: claimNames,
    },
    errs,
  );
  nonNegative(spec.minReadySeconds, p.child('minReadySeconds'), errs);
  nonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit'), errs);
  const us = obj(spec.updateStrategy);
  if (us) {
    const up = p.child('updateStrategy');
    if (us.type === 'OnDelete' && us.rollingUpdate !== undefined)
      errs.push(invalid(up.child('rollingUpdate'), us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
    const ru = obj(us.rollingUpdate);
    if (ru) {
      nonNegative(ru.partition, up.child('rollingUpdate', 'partition'), errs);
      if (ru.maxUnavailable !== undefined) {
        positiveIntOrPercent(ru.maxUnavailable, up.child('rollingUpdate', 'maxUnavailable'), errs);
        if (ru.maxUnavailable === 0 || percentValue(ru.maxUnavailable) === 0)
          errs.push(invalid(up.child('rollingUpdate', 'maxUnavailable'), ru.maxUnavailable, 'must be greater than 0'));
        notMoreThan100Percent(ru.maxUnavailable, up.child('rollingUpdate', 'maxUnavailable'), errs);
      }
    }
  }
}

export function validateDaemonSetSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  validateSelectorAndTemplate(
    spec,
    p,
    { what: 'daemonset', selectorRequired: true, restartPolicies: ['Always'], activeDeadlineForbidden: 'activeDeadlineSeconds must be nil for daemonset' },
    errs,
  );
  nonNegative(spec.minReadySeconds, p.child('minReadySeconds'), errs);
  nonNegative(spec.revisionHistoryLimit, p.child('revisionHistoryLimit'), errs);
  const us = obj(spec.updateStrategy);
  const ru = obj(us?.rollingUpdate);
  if (us && ru) {
    if (us.type === 'OnDelete') errs.push(forbidden(p.child('updateStrategy', 'rollingUpdate'), "may not be specified when strategy `type` is 'OnDelete'"));
    else validateRollingUpdate(ru, p.child('updateStrategy', 'rollingUpdate'), { maxSurge: 0, maxUnavailable: 1 }, errs);
  }
}

// The selector and pod template of a workload (ValidatePodTemplateSpecForReplicaSet and friends), shared by
// apps and batch.
import type { FieldError } from '../../util/errors.js';
import { FieldPath, forbidden, invalid, notSupported, required } from './field.js';
import { obj, str, strMap, type Obj } from './json.js';
import { goSelector, selectorIsEmpty, selectorMatches, validateAnnotations, validateLabels, validateLabelSelector } from './meta.js';
import { validatePodSpec } from './pod.js';

export interface TemplateRules {
  /** "deployment", "statefulset", ... as in upstream's "empty selector is invalid for ..." */
  what: string;
  selectorRequired: boolean;
  restartPolicies: readonly string[];
  activeDeadlineForbidden?: string;
  extraVolumes?: readonly string[];
}

/** Selector + pod template of a workload (ValidatePodTemplateSpecForReplicaSet and friends). */
export function validateSelectorAndTemplate(spec: Obj, p: FieldPath, rules: TemplateRules, errs: FieldError[]): void {
  const sel = obj(spec.selector);
  let usable = false;
  if (!sel) {
    if (rules.selectorRequired) errs.push(required(p.child('selector')));
  } else {
    const r = validateLabelSelector(sel, p.child('selector'));
    errs.push(...r.errs);
    usable = r.usable;
    if (selectorIsEmpty(sel)) errs.push(invalid(p.child('selector'), goSelector(sel), `empty selector is invalid for ${rules.what}`));
  }
  const tp = p.child('template');
  const template = obj(spec.template);
  if (!template) return; // schema: Required value
  const tmeta = obj(template.metadata) ?? {};
  const labels = strMap(tmeta.labels);
  if (sel && usable && !selectorIsEmpty(sel) && !selectorMatches(sel, labels))
    errs.push(invalid(tp.child('metadata', 'labels'), tmeta.labels === undefined ? null : labels, '`selector` does not match template `labels`'));
  errs.push(...validateLabels(tmeta.labels, tp.child('metadata', 'labels')));
  errs.push(...validateAnnotations(tmeta.annotations, tp.child('metadata', 'annotations')));
  // a missing template spec is an empty one upstream (a struct, not a pointer)
  const podSpec = obj(template.spec) ?? (template.spec === undefined ? {} : undefined);
  if (!podSpec) return;
  errs.push(...validatePodSpec(podSpec, tp.child('spec'), { extraVolumes: rules.extraVolumes }));
  const rp = str(podSpec.restartPolicy) ?? 'Always';
  if (!rules.restartPolicies.includes(rp)) errs.push(notSupported(tp.child('spec', 'restartPolicy'), rp, rules.restartPolicies));
  if (rules.activeDeadlineForbidden && podSpec.activeDeadlineSeconds !== undefined)
    errs.push(forbidden(tp.child('spec', 'activeDeadlineSeconds'), rules.activeDeadlineForbidden));
}

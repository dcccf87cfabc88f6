// The API server's semantic checks for the 1.32 kinds kctl stores without running them, where they are cheap
// and catch real mistakes (upstream pkg/apis/<group>/validation). Shapes and required fields come from the
// schemas; this adds the cross-field rules. Called by validate.ts after validateSemantics (semantics.ts).
import type { FieldError } from '../../util/errors.js';
import type { KindInfo } from '../kinds.js';
import { labelSelectorMatches } from '../labels.js';
import { FieldPath, forbidden, invalid, notSupported, required } from './field.js';
import { arr, obj, type Obj } from './json.js';
import { validatePodSpec } from './pod.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The pod template of an RC or a PodTemplate: its spec is a pod spec (upstream ValidatePodTemplateSpec). */
function podTemplate(template: unknown, p: FieldPath, errs: FieldError[]): void {
  const t = obj(template);
  if (!t) return;
  errs.push(...validatePodSpec(t.spec ?? {}, p.child('spec')));
}

function replicationController(o: Obj, errs: FieldError[]): void {
  const spec = obj(o.spec);
  if (!spec) return;
  const sp = FieldPath.root('spec');
  if (typeof spec.replicas === 'number' && spec.replicas < 0) errs.push(invalid(sp.child('replicas'), spec.replicas, 'must be greater than or equal to 0'));
  const selector = obj(spec.selector) as Record<string, string> | undefined;
  const template = obj(spec.template);
  if (!template) return;
  const labels = (obj(obj(template.metadata)?.labels) ?? {}) as Record<string, string>;
  if (selector && Object.keys(selector).length && !labelSelectorMatches({ matchLabels: selector }, labels))
    errs.push(invalid(sp.child('template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`'));
  podTemplate(template, sp.child('template'), errs);
}

function horizontalPodAutoscaler(o: Obj, errs: FieldError[]): void {
  const spec = obj(o.spec);
  if (!spec) return;
  const sp = FieldPath.root('spec');
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) errs.push(invalid(sp.child('minReplicas'), min, 'must be greater than or equal to 1'));
  if (typeof max === 'number' && max < 1) errs.push(invalid(sp.child('maxReplicas'), max, 'must be greater than 0'));
  else if (typeof max === 'number' && typeof min === 'number' && max < min)
    errs.push(invalid(sp.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
}

function podDisruptionBudget(o: Obj, errs: FieldError[]): void {
  const spec = obj(o.spec);
  if (spec && spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
    errs.push(invalid(FieldPath.root('spec'), spec, 'minAvailable and maxUnavailable cannot be both set'));
}

function ingress(o: Obj, errs: FieldError[]): void {
  arr(obj(o.spec)?.rules).forEach((rule, i) =>
    arr(obj(obj(rule)?.http)?.paths).forEach((raw, j) => {
      const path = obj(raw);
      if (!path || (path.pathType !== 'Prefix' && path.pathType !== 'Exact')) return;
      const at = FieldPath.root('spec', 'rules').index(i).child('http', 'paths').index(j).child('path');
      if (typeof path.path !== 'string' || !path.path.startsWith('/')) errs.push(invalid(at, path.path ?? '', 'must be an absolute path'));
    }),
  );
}

function roleBinding(o: Obj, clusterScoped: boolean, errs: FieldError[]): void {
  const ref = obj(o.roleRef);
  if (ref) {
    const rp = FieldPath.root('roleRef');
    if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported(rp.child('apiGroup'), ref.apiGroup ?? '', [RBAC_GROUP]));
    const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!kinds.includes(String(ref.kind))) errs.push(notSupported(rp.child('kind'), ref.kind ?? '', kinds));
  }
  arr(o.subjects).forEach((raw, i) => {
    const s = obj(raw);
    if (!s) return;
    const p = FieldPath.root('subjects').index(i);
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup !== undefined && s.apiGroup !== '') errs.push(notSupported(p.child('apiGroup'), s.apiGroup, ['']));
      if (clusterScoped && !s.namespace) errs.push(required(p.child('namespace'), ''));
    } else if (s.kind === 'User' || s.kind === 'Group') {
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(p.child('apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
    } else errs.push(notSupported(p.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  });
}

/** upstream scheduling validation: `system-` names are the built-in classes; user values at most 1e9. */
const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
function priorityClass(o: Obj, errs: FieldError[]): void {
  const name = String(obj(o.metadata)?.name ?? '');
  const system = SYSTEM_PRIORITY_CLASSES[name];
  if (name.startsWith('system-') && system === undefined)
    errs.push(invalid(FieldPath.root('metadata', 'name'), name, "priority class names with 'system-' prefix are reserved"));
  if (system === undefined && typeof o.value === 'number' && o.value > 1_000_000_000)
    errs.push(forbidden(FieldPath.root('value'), 'maximum allowed value of a user defined priority is 1000000000'));
}

function customResourceDefinition(o: Obj, errs: FieldError[]): void {
  const spec = obj(o.spec);
  const name = obj(o.metadata)?.name;
  const plural = obj(spec?.names)?.plural;
  if (typeof name === 'string' && typeof plural === 'string' && typeof spec?.group === 'string' && name !== `${plural}.${spec.group}`)
    errs.push(invalid(FieldPath.root('metadata', 'name'), name, 'must be spec.names.plural+"."+spec.group'));
}

/** Semantic errors of an object of one of the kinds above; [] for the others. */
export function validateKindSemantics(o: Obj, ki: KindInfo): FieldError[] {
  const errs: FieldError[] = [];
  switch (ki.kind) {
    case 'ReplicationController':
      replicationController(o, errs);
      break;
    case 'PodTemplate':
      podTemplate(o.template, FieldPath.root('template'), errs);
      break;
    case 'HorizontalPodAutoscaler':
      if (ki.version === 'v2') horizontalPodAutoscaler(o, errs);
      break;
    case 'PodDisruptionBudget':
      podDisruptionBudget(o, errs);
      break;
    case 'Ingress':
      ingress(o, errs);
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      roleBinding(o, ki.kind === 'ClusterRoleBinding', errs);
      break;
    case 'PriorityClass':
      priorityClass(o, errs);
      break;
    case 'CustomResourceDefinition':
      customResourceDefinition(o, errs);
      break;
  }
  return errs;
}

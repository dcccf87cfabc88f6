// Checks a JSON schema cannot express, as the API server's validation makes them (pkg/apis/core/validation,
// pkg/apis/apps/validation, pkg/apis/batch/validation): selectors vs template labels, unique names, references
// between fields, quantities, port ranges, label syntax. Messages follow upstream's field.Error wording:
//   spec.template.spec.containers[1].name: Duplicate value: "web"
// Every accessor is defensive: this runs even when the schema already reported a type error.
import { isQualifiedName, isValidLabelValue } from './labels.js';
import type { FieldError } from '../util/errors.js';
import type { KindInfo } from './kinds.js';
import { nameErrors } from './names.js';
import { QuantityError, parseQuantity } from './quantity.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));

// ---------------------------------------------------------------------------------------------------------------
// Field paths and errors (k8s.io/apimachinery/pkg/util/validation/field)

/** A field path that prints as upstream's: `spec.containers[0].resources.limits[cpu]`. */
export class FieldPath {
  private constructor(
    readonly segments: readonly (string | number)[],
    private readonly text: string,
  ) {}
  static root(...names: string[]): FieldPath {
    return new FieldPath([], '').child(...names);
  }
  child(...names: string[]): FieldPath {
    let p: FieldPath = this;
    for (const n of names) p = new FieldPath([...p.segments, n], p.text ? `${p.text}.${n}` : n);
    return p;
  }
  index(i: number): FieldPath {
    return new FieldPath([...this.segments, i], `${this.text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath([...this.segments, k], `${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

/** How upstream prints a bad value: %q for strings, %v for numbers, %#v for maps. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v) && Object.values(v).every((x) => typeof x === 'string')) {
    const keys = Object.keys(v).sort();
    return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`).join(', ')}}`;
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  const json = JSON.stringify(v);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

const fe = (path: FieldPath, message: string, severity: 'error' | 'warning' = 'error'): FieldError => ({
  path: path.toString(),
  segments: [...path.segments],
  message,
  severity,
});
const withDetail = (head: string, detail: string) => (detail ? `${head}: ${detail}` : head);

/** field.Required */
export const required = (p: FieldPath, detail = ''): FieldError => fe(p, withDetail('Required value', detail));
/** field.Invalid */
export const invalid = (p: FieldPath, value: unknown, detail: string): FieldError =>
  fe(p, withDetail(`Invalid value: ${goValue(value)}`, detail));
/** field.NotSupported */
export const notSupported = (p: FieldPath, value: unknown, valid: readonly string[]): FieldError =>
  fe(p, withDetail(`Unsupported value: ${goValue(value)}`, valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : ''));
/** field.Duplicate */
export const duplicate = (p: FieldPath, value: unknown): FieldError => fe(p, `Duplicate value: ${goValue(value)}`);
/** field.NotFound */
export const notFound = (p: FieldPath, value: unknown): FieldError => fe(p, `Not found: ${goValue(value)}`);
/** field.Forbidden */
export const forbidden = (p: FieldPath, detail: string): FieldError => fe(p, withDetail('Forbidden', detail));
/** field.TooLong (byte sizes) */
export const tooLong = (p: FieldPath, max: number): FieldError => fe(p, `Too long: must have at most ${max} bytes`);
const warning = (p: FieldPath, message: string): FieldError => fe(p, message, 'warning');

// ---------------------------------------------------------------------------------------------------------------
// String formats (k8s.io/apimachinery/pkg/util/validation)

const regexError = (msg: string, fmt: string, ...examples: string[]) =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
const maxLenError = (n: number) => `must be no more than ${n} characters`;
const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
const NON_NEGATIVE = 'must be greater than or equal to 0';

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);
const ENV_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_NAME_RE = new RegExp(`^${ENV_NAME_FMT}$`);
const PERCENT_FMT = '[0-9]+%';
const PERCENT_RE = new RegExp(`^${PERCENT_FMT}$`);

/** IsDNS1123Subdomain */
const dns1123Subdomain = (v: string): string[] => (v === '' ? [] : nameErrors('Pod', v));
/** IsDNS1123Label */
const dns1123Label = (v: string): string[] => (v === '' ? [] : nameErrors('Namespace', v));

/** validation.IsQualifiedName (label and annotation keys); [] when valid. */
export const qualifiedNameErrors = isQualifiedName;

/** validation.IsValidLabelValue; [] when valid. */
export const labelValueErrors = isValidLabelValue;

/** IsValidPortName (IANA_SVC_NAME): container port names and named targetPorts. */
export function portNameErrors(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** IsValidPortNum */
const portNumErrors = (port: number): string[] => (Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)]);

const chDirPrefixErrors = (v: string): string[] =>
  v === '.' ? [`must not be '.'`] : v === '..' ? [`must not be '..'`] : v.startsWith('..') ? [`must not start with '..'`] : [];

/** IsConfigMapKey: ConfigMap/Secret data keys, configMapKeyRef/secretKeyRef keys. */
export function configMapKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLenError(253));
  if (!CONFIG_KEY_RE.test(key)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  return [...errs, ...chDirPrefixErrors(key)];
}

/** IsEnvVarName */
export function envVarNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (!ENV_NAME_RE.test(name))
    errs.push(
      regexError(
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
        ENV_NAME_FMT,
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  return [...errs, ...chDirPrefixErrors(name)];
}

// ---------------------------------------------------------------------------------------------------------------
// Shared validators

function nonNegative(v: unknown, p: FieldPath, errs: FieldError[]): void {
  const n = int(v);
  if (n !== undefined && n < 0) errs.push(invalid(p, n, NON_NEGATIVE));
}

/** ValidateLabels: keys and values at the map's own path, as upstream reports them. */
export function validateLabels(labels: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(labels) ?? {})) {
    for (const m of qualifiedNameErrors(k)) errs.push(invalid(p, k, m));
    if (typeof v === 'string') for (const m of labelValueErrors(v)) errs.push(invalid(p, v, m));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateAnnotations */
export function validateAnnotations(annotations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(obj(annotations) ?? {})) {
    for (const m of qualifiedNameErrors(k.toLowerCase())) errs.push(invalid(p, k, m));
    size += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(p, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** ValidateObjectMeta for a top-level object: name (src/api/names.ts), namespace, labels, annotations. */
export function validateObjectMeta(meta: unknown, ki: KindInfo, p = FieldPath.root('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj(meta) ?? {};
  const name = m.name;
  if (name === undefined || name === '') {
    if (!str(m.generateName)) errs.push(required(p.child('name'), 'name or generateName is required'));
  } else if (typeof name === 'string') {
    for (const msg of nameErrors(ki.kind, name)) errs.push(invalid(p.child('name'), name, msg));
  }
  const ns = str(m.namespace);
  if (ns && ki.namespaced) for (const msg of nameErrors('Namespace', ns)) errs.push(invalid(p.child('namespace'), ns, msg));
  errs.push(...validateLabels(m.labels, p.child('labels')));
  errs.push(...validateAnnotations(m.annotations, p.child('annotations')));
  return errs;
}

/** ValidateLabelSelector; returns also whether the selector can be used for matching. */
function validateLabelSelector(sel: Obj, p: FieldPath): { errs: FieldError[]; usable: boolean } {
  const errs = validateLabels(sel.matchLabels, p.child('matchLabels'));
  let usable = true;
  arr(sel.matchExpressions).forEach((raw, i) => {
    const r = obj(raw) ?? {};
    const rp = p.child('matchExpressions').index(i);
    const op = str(r.operator);
    const values = arr(r.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) {
        errs.push(required(rp.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        usable = false;
      }
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(forbidden(rp.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        usable = false;
      }
    } else usable = false; // the schema reports the unsupported operator
    const key = str(r.key) ?? '';
    for (const m of qualifiedNameErrors(key)) errs.push(invalid(rp.child('key'), key, m));
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const m of labelValueErrors(v)) errs.push(invalid(rp.child('values').index(j), v, m));
    });
  });
  return { errs, usable };
}

/** labels.Selector.Matches for a metav1.LabelSelector. */
export function selectorMatches(sel: Obj, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(strMap(sel.matchLabels))) if (labels[k] !== v) return false;
  for (const raw of arr(sel.matchExpressions)) {
    const r = obj(raw) ?? {};
    const key = str(r.key) ?? '';
    const values = arr(r.values).filter((x): x is string => typeof x === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (r.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const selectorIsEmpty = (sel: Obj) => Object.keys(obj(sel.matchLabels) ?? {}).length + arr(sel.matchExpressions).length === 0;

/** How upstream prints a *metav1.LabelSelector in "empty selector" messages. */
function goSelector(sel: Obj): string {
  const ml = obj(sel.matchLabels);
  const me = arr(sel.matchExpressions);
  return `&v1.LabelSelector{MatchLabels:${ml ? goValue(ml) : 'map[string]string(nil)'}, MatchExpressions:[]v1.LabelSelectorRequirement${me.length ? JSON.stringify(me) : '(nil)'}}`;
}

/** Quantity field: parse with upstream's message; returns the value when it parses. */
function quantity(v: unknown, p: FieldPath, errs: FieldError[]): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined; // schema reports the type
  try {
    return parseQuantity(v);
  } catch (e) {
    errs.push(invalid(p, v, e instanceof QuantityError ? e.message : String(e)));
    return undefined;
  }
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** ValidateContainerResourceRequirements (also used for pod overhead). */
function validateResources(res: unknown, p: FieldPath, errs: FieldError[]): void {
  const r = obj(res);
  if (!r) return;
  const limits = new Map<string, { raw: unknown; value: number }>();
  const check = (field: 'limits' | 'requests') => {
    for (const [name, raw] of Object.entries(obj(r[field]) ?? {})) {
      const kp = p.child(field).key(name);
      if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-'))
        errs.push(invalid(kp, name, 'must be a standard resource for containers'));
      else if (name.includes('/')) for (const m of qualifiedNameErrors(name)) errs.push(invalid(kp, name, m));
      const value = quantity(raw, kp, errs);
      if (value === undefined) continue;
      if (value < 0) {
        errs.push(invalid(kp, raw, NON_NEGATIVE));
        continue;
      }
      if (field === 'limits') limits.set(name, { raw, value });
      else {
        const lim = limits.get(name);
        if (lim && value > lim.value) errs.push(invalid(kp, raw, `must be less than or equal to ${name} limit of ${String(lim.raw)}`));
      }
    }
  };
  check('limits');
  check('requests');
}

/** ValidatePortNumOrName (targetPort, probe ports). 0 and "" mean "unset" (defaulted). */
function portNumOrName(v: unknown, p: FieldPath, errs: FieldError[]): void {
  if (typeof v === 'number') {
    if (v !== 0) for (const m of portNumErrors(v)) errs.push(invalid(p, v, m));
  } else if (typeof v === 'string' && v !== '') {
    for (const m of portNameErrors(v)) errs.push(invalid(p, v, m));
  }
}

/** validateHandler: exactly one handler type. */
function validateHandler(h: Obj, p: FieldPath, types: readonly string[], errs: FieldError[]): void {
  let n = 0;
  for (const t of types) {
    if (h[t] === undefined) continue;
    if (n > 0) {
      errs.push(forbidden(p.child(t), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = obj(h[t]) ?? {};
    if (t === 'exec' && arr(a.command).length === 0) errs.push(required(p.child('exec', 'command')));
    if (t === 'httpGet' || t === 'tcpSocket' || t === 'grpc') portNumOrName(a.port, p.child(t, 'port'), errs);
    if (t === 'sleep') nonNegative(a.seconds, p.child('sleep', 'seconds'), errs);
  }
  if (n === 0) errs.push(required(p, 'must specify a handler type'));
}

function validateProbe(probe: unknown, p: FieldPath, mustSucceedOnce: boolean, errs: FieldError[]): void {
  const pr = obj(probe);
  if (!pr) return;
  validateHandler(pr, p, ['exec', 'httpGet', 'tcpSocket', 'grpc'], errs);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'])
    nonNegative(pr[f], p.child(f), errs);
  const tg = int(pr.terminationGracePeriodSeconds);
  if (tg !== undefined && tg <= 0) errs.push(invalid(p.child('terminationGracePeriodSeconds'), tg, 'must be greater than 0'));
  const st = int(pr.successThreshold);
  if (mustSucceedOnce && st !== undefined && st !== 1) errs.push(invalid(p.child('successThreshold'), st, 'must be 1'));
}

const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** validateObjectFieldSelector (env fieldRef, downwardAPI volume items). */
function validateFieldRef(ref: Obj, p: FieldPath, allowed: readonly string[], errs: FieldError[]): void {
  const fp = str(ref.fieldPath);
  if (!fp) return; // schema: Required value
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
  if (sub) {
    const key = sub[1] === 'metadata.annotations' ? sub[2].toLowerCase() : sub[2];
    for (const m of qualifiedNameErrors(key)) errs.push(invalid(p.child('fieldPath'), key, m));
  } else if (!allowed.includes(fp)) errs.push(notSupported(p.child('fieldPath'), fp, allowed));
}

function validateResourceFieldRef(ref: Obj, p: FieldPath, errs: FieldError[]): void {
  const r = str(ref.resource);
  if (r && !RESOURCE_FIELD_PATHS.includes(r) && !/^(limits|requests)\.hugepages-/.test(r))
    errs.push(notSupported(p.child('resource'), r, RESOURCE_FIELD_PATHS));
  if (ref.divisor !== undefined) quantity(ref.divisor, p.child('divisor'), errs);
}

function validateKeySelector(sel: Obj, p: FieldPath, errs: FieldError[]): void {
  const name = str(sel.name);
  if (name) for (const m of dns1123Subdomain(name)) errs.push(invalid(p.child('name'), name, m));
  const key = str(sel.key);
  if (key === '') errs.push(required(p.child('key')));
  else if (key) for (const m of configMapKeyErrors(key)) errs.push(invalid(p.child('key'), key, m));
}

function validateEnv(env: unknown, p: FieldPath, errs: FieldError[]): void {
  arr(env).forEach((raw, i) => {
    const e = obj(raw) ?? {};
    const ip = p.index(i);
    const name = str(e.name);
    if (name === '') errs.push(required(ip.child('name')));
    else if (name) for (const m of envVarNameErrors(name)) errs.push(invalid(ip.child('name'), name, m));
    const vf = obj(e.valueFrom);
    if (!vf) return;
    const vp = ip.child('valueFrom');
    let n = 0;
    const fieldRef = obj(vf.fieldRef);
    if (fieldRef) {
      n++;
      validateFieldRef(fieldRef, vp.child('fieldRef'), ENV_FIELD_PATHS, errs);
    }
    const rf = obj(vf.resourceFieldRef);
    if (rf) {
      n++;
      validateResourceFieldRef(rf, vp.child('resourceFieldRef'), errs);
    }
    for (const k of ['configMapKeyRef', 'secretKeyRef']) {
      const s = obj(vf[k]);
      if (s) {
        n++;
        validateKeySelector(s, vp.child(k), errs);
      }
    }
    if (n === 0) errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(e.value)) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
  });
}

function validateEnvFrom(envFrom: unknown, p: FieldPath, errs: FieldError[]): void {
  arr(envFrom).forEach((raw, i) => {
    const e = obj(raw) ?? {};
    const ip = p.index(i);
    const prefix = str(e.prefix);
    if (prefix) for (const m of envVarNameErrors(prefix)) errs.push(invalid(ip.child('prefix'), prefix, m));
    let n = 0;
    for (const k of ['configMapRef', 'secretRef']) {
      const ref = obj(e[k]);
      if (!ref) continue;
      n++;
      const name = str(ref.name);
      if (!name) errs.push(required(ip.child(k, 'name')));
      else for (const m of dns1123Subdomain(name)) errs.push(invalid(ip.child(k, 'name'), name, m));
    }
    if (n === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'));
  });
}

/** validateLocalDescendingPath */
function localDescendingPath(v: string, p: FieldPath, errs: FieldError[]): void {
  if (v.startsWith('/')) errs.push(invalid(p, v, 'must be a relative path'));
  if (v.split('/').includes('..')) errs.push(invalid(p, v, "must not contain '..'"));
}

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
function fileMode(v: unknown, p: FieldPath, errs: FieldError[]): void {
  const n = int(v);
  if (n !== undefined && (n < 0 || n > 0o777)) errs.push(invalid(p, n, FILE_MODE_ERROR));
}

function validateKeyToPaths(items: unknown, p: FieldPath, errs: FieldError[]): void {
  arr(items).forEach((raw, i) => {
    const it = obj(raw) ?? {};
    const ip = p.index(i);
    if (str(it.key) === '') errs.push(required(ip.child('key')));
    const path = str(it.path);
    if (path === '') errs.push(required(ip.child('path')));
    else if (path) localDescendingPath(path, ip.child('path'), errs);
    fileMode(it.mode, ip.child('mode'), errs);
  });
}

/** The volume sources kctl implements; others are accepted with a warning (unsupportedFieldWarnings). */
export const SUPPORTED_VOLUME_TYPES: readonly string[] = [
  'emptyDir',
  'configMap',
  'secret',
  'hostPath',
  'persistentVolumeClaim',
  'projected',
  'downwardAPI',
];

function validateVolumeSource(v: Obj, p: FieldPath, errs: FieldError[]): void {
  const types = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  // no source: the API server defaults it to emptyDir {} before validating (SetDefaults_Volume)
  if (types.length === 0) return;
  for (const t of types.slice(1)) errs.push(forbidden(p.child(t), 'may not specify more than 1 volume type'));
  const t = types[0];
  const src = obj(v[t]) ?? {};
  const sp = p.child(t ?? '');
  switch (t) {
    case 'hostPath':
      if (str(src.path) === '') errs.push(required(sp.child('path')));
      break;
    case 'emptyDir':
      if (src.sizeLimit !== undefined) {
        const q = quantity(src.sizeLimit, sp.child('sizeLimit'), errs);
        if (q !== undefined && q < 0) errs.push(forbidden(sp.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
      }
      break;
    case 'configMap':
    case 'secret': {
      const nameField = t === 'secret' ? 'secretName' : 'name';
      const name = str(src[nameField]);
      if (!name) {
        if (t === 'secret' || src.optional !== true) errs.push(required(sp.child(nameField)));
      } else for (const m of dns1123Subdomain(name)) errs.push(invalid(sp.child(nameField), name, m));
      validateKeyToPaths(src.items, sp.child('items'), errs);
      fileMode(src.defaultMode, sp.child('defaultMode'), errs);
      break;
    }
    case 'downwardAPI':
      fileMode(src.defaultMode, sp.child('defaultMode'), errs);
      arr(src.items).forEach((raw, i) => {
        const it = obj(raw) ?? {};
        const ip = sp.child('items').index(i);
        const path = str(it.path);
        if (path === '') errs.push(required(ip.child('path')));
        else if (path) localDescendingPath(path, ip.child('path'), errs);
        const fr = obj(it.fieldRef);
        if (fr) validateFieldRef(fr, ip.child('fieldRef'), VOLUME_FIELD_PATHS, errs);
        const rf = obj(it.resourceFieldRef);
        if (rf) validateResourceFieldRef(rf, ip.child('resourceFieldRef'), errs);
        fileMode(it.mode, ip.child('mode'), errs);
      });
      break;
    case 'projected':
      fileMode(src.defaultMode, sp.child('defaultMode'), errs);
      arr(src.sources).forEach((raw, i) => {
        const s = obj(raw) ?? {};
        const ip = sp.child('sources').index(i);
        for (const k of ['configMap', 'secret']) {
          const ref = obj(s[k]);
          if (ref) validateKeyToPaths(ref.items, ip.child(k, 'items'), errs);
        }
      });
      break;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pod spec

interface PodSpecOptions {
  /** names of extra volumes mounts may refer to (a StatefulSet's volumeClaimTemplates) */
  extraVolumes?: readonly string[];
}

/** ValidatePodSpec: the subset kctl enforces. */
export function validatePodSpec(specRaw: unknown, p: FieldPath, opts: PodSpecOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(specRaw);
  if (!spec) return errs;

  // volumes
  const volumeNames = new Set<string>();
  arr(spec.volumes).forEach((raw, i) => {
    const v = obj(raw) ?? {};
    const ip = p.child('volumes').index(i);
    validateVolumeSource(v, ip, errs);
    const name = str(v.name);
    if (name === '') errs.push(required(ip.child('name')));
    else if (name) {
      for (const m of dns1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
      if (volumeNames.has(name)) errs.push(duplicate(ip.child('name'), name));
      volumeNames.add(name);
    }
  });
  for (const n of opts.extraVolumes ?? []) volumeNames.add(n);

  // containers
  // the schema reports a containers field of the wrong type; absent or empty is upstream's Required value
  if (arr(spec.containers).length === 0 && (spec.containers === undefined || Array.isArray(spec.containers)))
    errs.push(required(p.child('containers')));
  const containerNames = new Set<string>();
  const hostPorts = new Map<string, string>();
  const containerPorts = new Map<string, string>();
  for (const field of ['initContainers', 'containers'] as const) {
    arr(spec[field]).forEach((raw, i) => {
      const c = obj(raw) ?? {};
      const cp = p.child(field).index(i);
      const name = str(c.name);
      if (name === '') errs.push(required(cp.child('name')));
      else if (name) {
        for (const m of dns1123Label(name)) errs.push(invalid(cp.child('name'), name, m));
        if (containerNames.has(name)) errs.push(duplicate(cp.child('name'), name));
        containerNames.add(name);
      }
      if (!str(c.image)) errs.push(required(cp.child('image')));
      if (field === 'containers' && c.restartPolicy !== undefined) errs.push(forbidden(cp.child('restartPolicy'), 'may not be set for non-init containers'));

      // ports
      const portNames = new Set<string>();
      arr(c.ports).forEach((rawPort, j) => {
        const port = obj(rawPort) ?? {};
        const pp = cp.child('ports').index(j);
        const pn = str(port.name);
        if (pn) {
          const msgs = portNameErrors(pn);
          for (const m of msgs) errs.push(invalid(pp.child('name'), pn, m));
          if (!msgs.length && portNames.has(pn)) errs.push(duplicate(pp.child('name'), pn));
          portNames.add(pn);
        }
        const cport = int(port.containerPort);
        if (cport === 0) errs.push(required(pp.child('containerPort')));
        else if (cport !== undefined) for (const m of portNumErrors(cport)) errs.push(invalid(pp.child('containerPort'), cport, m));
        const proto = str(port.protocol) ?? 'TCP';
        const hport = int(port.hostPort);
        if (hport !== undefined && hport !== 0) {
          for (const m of portNumErrors(hport)) errs.push(invalid(pp.child('hostPort'), hport, m));
          const k = `${hport}/${proto}`;
          if (hostPorts.has(k)) errs.push(duplicate(pp.child('hostPort'), k));
          else hostPorts.set(k, pp.toString());
        }
        if (cport && field === 'containers') {
          const k = `${cport}/${proto}`;
          const prev = containerPorts.get(k);
          if (prev) errs.push(warning(pp, `duplicate port definition with ${prev}`));
          else containerPorts.set(k, pp.toString());
        }
      });

      validateEnv(c.env, cp.child('env'), errs);
      validateEnvFrom(c.envFrom, cp.child('envFrom'), errs);

      // volume mounts
      const mountPaths = new Set<string>();
      arr(c.volumeMounts).forEach((rawMount, j) => {
        const m = obj(rawMount) ?? {};
        const mp = cp.child('volumeMounts').index(j);
        const mname = str(m.name);
        if (mname === '') errs.push(required(mp.child('name')));
        else if (mname !== undefined && !volumeNames.has(mname)) errs.push(notFound(mp.child('name'), mname));
        const path = str(m.mountPath);
        if (path === '') errs.push(required(mp.child('mountPath')));
        else if (path !== undefined) {
          if (mountPaths.has(path)) errs.push(invalid(mp.child('mountPath'), path, 'must be unique'));
          mountPaths.add(path);
        }
        const sub = str(m.subPath);
        if (sub) localDescendingPath(sub, mp.child('subPath'), errs);
      });

      validateResources(c.resources, cp.child('resources'), errs);
      validateProbe(c.livenessProbe, cp.child('livenessProbe'), true, errs);
      validateProbe(c.readinessProbe, cp.child('readinessProbe'), false, errs);
      validateProbe(c.startupProbe, cp.child('startupProbe'), true, errs);
      const lc = obj(c.lifecycle);
      for (const hook of ['postStart', 'preStop']) {
        const h = obj(lc?.[hook]);
        if (h) validateHandler(h, cp.child('lifecycle', hook), ['exec', 'httpGet', 'tcpSocket', 'sleep'], errs);
      }
    });
  }

  // pod-level fields
  if (spec.dnsPolicy === 'None' && !obj(spec.dnsConfig)) errs.push(required(p.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  const ads = int(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > 4294967295)) errs.push(invalid(p.child('activeDeadlineSeconds'), ads, inclusiveRangeError(1, 4294967295)));
  nonNegative(spec.terminationGracePeriodSeconds, p.child('terminationGracePeriodSeconds'), errs);
  errs.push(...validateLabels(spec.nodeSelector, p.child('nodeSelector')));
  const hostname = str(spec.hostname);
  if (hostname) for (const m of dns1123Label(hostname)) errs.push(invalid(p.child('hostname'), hostname, m));
  const subdomain = str(spec.subdomain);
  if (subdomain) for (const m of dns1123Label(subdomain)) errs.push(invalid(p.child('subdomain'), subdomain, m));
  if (obj(spec.overhead)) validateResources({ limits: spec.overhead }, p.child('overhead'), errs);
  arr(spec.tolerations).forEach((raw, i) => {
    const t = obj(raw) ?? {};
    const tp = p.child('tolerations').index(i);
    if (!str(t.key) && t.operator !== 'Exists')
      errs.push(invalid(tp.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.operator === 'Exists' && str(t.value)) errs.push(invalid(tp.child('operator'), t.value, "value must be empty when `operator` is 'Exists'"));
  });
  return errs;
}

// ---------------------------------------------------------------------------------------------------------------
// Workloads

interface TemplateRules {
  /** "deployment", "statefulset", ... as in upstream's "empty selector is invalid for ..." */
  what: string;
  selectorRequired: boolean;
  restartPolicies: readonly string[];
  activeDeadlineForbidden?: string;
  extraVolumes?: readonly string[];
}

/** Selector + pod template of a workload (ValidatePodTemplateSpecForReplicaSet and friends). */
function validateSelectorAndTemplate(spec: Obj, p: FieldPath, rules: TemplateRules, errs: FieldError[]): void {
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

function validateDeploymentSpec(spec: Obj, p: FieldPath, errs: FieldError[], what: 'deployment' | 'replicaset'): void {
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

function validateStatefulSetSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
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

function validateDaemonSetSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
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

function validateJobSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    nonNegative(spec[f], p.child(f), errs);
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) errs.push(required(p.child('completions'), 'when completion mode is Indexed'));
  validateSelectorAndTemplate(spec, p, { what: 'job', selectorRequired: false, restartPolicies: ['OnFailure', 'Never'] }, errs);
}

function validateCronJobSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  const schedule = str(spec.schedule);
  if (schedule === '') errs.push(required(p.child('schedule')));
  else if (schedule !== undefined) {
    if (schedule.includes('TZ')) errs.push(invalid(p.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else {
      const err = cronScheduleError(schedule);
      if (err) errs.push(invalid(p.child('schedule'), schedule, err));
    }
  }
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) nonNegative(spec[f], p.child(f), errs);
  const jt = obj(spec.jobTemplate);
  if (jt) {
    errs.push(...validateLabels(obj(jt.metadata)?.labels, p.child('jobTemplate', 'metadata', 'labels')));
    const js = obj(jt.spec);
    if (js) validateJobSpec(js, p.child('jobTemplate', 'spec'), errs);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cron schedules (github.com/robfig/cron/v3 ParseStandard, as the CronJob validation uses)

const CRON_FIELDS: { min: number; max: number; names?: Record<string, number> }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];
const CRON_DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Returns robfig/cron's parse error for a standard 5-field schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    if (CRON_DESCRIPTORS.has(s)) return undefined;
    if (s.startsWith('@every ')) return /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s) ? undefined : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of fields[i].split(',')) {
      const err = cronRangeError(expr, CRON_FIELDS[i]);
      if (err) return err;
    }
  }
  return undefined;
}

function cronRangeError(expr: string, b: (typeof CRON_FIELDS)[number]): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const parse = (v: string): number | string => {
    const named = b.names?.[v.toLowerCase()];
    if (named !== undefined) return named;
    if (!/^[0-9]+$/.test(v)) return `failed to parse int from ${v}: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`;
    return Number(v);
  };
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const lo = parse(lowAndHigh[0]);
    if (typeof lo === 'string') return lo;
    start = lo;
    end = lo;
    if (lowAndHigh.length === 2) {
      const hi = parse(lowAndHigh[1]);
      if (typeof hi === 'string') return hi;
      end = hi;
    } else if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
  }
  if (rangeAndStep.length === 2) {
    const step = parse(rangeAndStep[1]);
    if (typeof step === 'string') return step;
    if (step <= 0) return `step of range should be a positive number: ${expr}`;
    if (lowAndHigh.length === 1 && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}): ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Core kinds

const NODE_PORT_RANGE = { min: 30000, max: 32767 };

function validateServiceSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  const type = str(spec.type) ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const ports = arr(spec.ports);
  if (type === 'ExternalName') {
    const cname = (str(spec.externalName) ?? '').replace(/\.$/, '');
    if (!cname) errs.push(required(p.child('externalName')));
    else for (const m of dns1123Subdomain(cname)) errs.push(invalid(p.child('externalName'), cname, m));
  } else if (ports.length === 0 && !headless) errs.push(required(p.child('ports')));
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const sp = obj(raw) ?? {};
    const ip = p.child('ports').index(i);
    const name = str(sp.name);
    if (ports.length > 1 && !name) errs.push(required(ip.child('name')));
    else if (name) {
      for (const m of dns1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(ip.child('name'), name));
      names.add(name);
    }
    const port = int(sp.port);
    if (port !== undefined) for (const m of portNumErrors(port)) errs.push(invalid(ip.child('port'), port, m));
    portNumOrName(sp.targetPort, ip.child('targetPort'), errs);
    const proto = str(sp.protocol) ?? 'TCP';
    const key = `${port}/${proto}`;
    if (port !== undefined && seen.has(key)) errs.push(duplicate(ip, key));
    seen.add(key);
    const np = int(sp.nodePort);
    if (np !== undefined && np !== 0) {
      if (type === 'ClusterIP') errs.push(forbidden(ip.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (np < NODE_PORT_RANGE.min || np > NODE_PORT_RANGE.max)
        errs.push(
          invalid(
            ip.child('nodePort'),
            np,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
      const nk = `${np}/${proto}`;
      if (nodePorts.has(nk)) errs.push(duplicate(ip.child('nodePort'), np));
      nodePorts.add(nk);
    }
  });
  errs.push(...validateLabels(spec.selector, p.child('selector')));
}

const MAX_CONFIG_SIZE = 1024 * 1024;

/** Go's base64.StdEncoding.DecodeString error ("illegal base64 data at input byte N"), ignoring \r and \n as Go does. */
export function base64Error(value: string): string | undefined {
  const s = value.replace(/[\r\n]/g, '');
  const bad = (i: number) => `illegal base64 data at input byte ${i}`;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '=') {
      const rest = s.slice(i);
      if (i % 4 < 2 || !(rest === '=' || (rest === '==' && i % 4 === 2))) return bad(i);
      return undefined;
    }
    if (!/[A-Za-z0-9+/]/.test(c)) return bad(i);
  }
  return s.length % 4 === 0 ? undefined : bad(s.length - (s.length % 4));
}

function validateDataKeys(o: Obj, fields: readonly string[], errs: FieldError[], base64Fields: readonly string[]): number {
  let size = 0;
  const seen = new Map<string, string>();
  for (const field of fields) {
    for (const [k, v] of Object.entries(obj(o[field]) ?? {})) {
      const kp = FieldPath.root(field).key(k);
      for (const m of configMapKeyErrors(k)) errs.push(invalid(kp, k, m));
      const other = seen.get(k);
      if (other && field !== 'stringData') errs.push(invalid(FieldPath.root(other).key(k), k, `duplicate of key present in ${field}`));
      seen.set(k, field);
      if (typeof v !== 'string') continue;
      if (base64Fields.includes(field)) {
        const err = base64Error(v);
        // never echo a secret's value: the offset says where the bad byte is
        if (err) errs.push(fe(kp, `Invalid value: "<redacted>": ${err}`));
        size += Math.floor((v.replace(/[\r\n=]/g, '').length * 3) / 4);
      } else size += Buffer.byteLength(v);
    }
  }
  return size;
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecret(o: Obj, errs: FieldError[]): void {
  const size = validateDataKeys(o, ['data', 'stringData'], errs, ['data']);
  if (size > MAX_CONFIG_SIZE) errs.push(tooLong(FieldPath.root('data'), MAX_CONFIG_SIZE));
  const type = str(o.type);
  const keys = new Set([...Object.keys(obj(o.data) ?? {}), ...Object.keys(obj(o.stringData) ?? {})]);
  for (const k of SECRET_REQUIRED_KEYS[type ?? ''] ?? []) if (!keys.has(k)) errs.push(required(FieldPath.root('data').key(k)));
  // basic-auth: username or password may be empty, but one of the fields must be there
  if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password'))
    errs.push(required(FieldPath.root('data').key('username')), required(FieldPath.root('data').key('password')));
  if (type === 'kubernetes.io/dockerconfigjson' || type === 'kubernetes.io/dockercfg') {
    const k = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
    const raw = str(obj(o.stringData)?.[k]) ?? (str(obj(o.data)?.[k]) !== undefined ? Buffer.from(str(obj(o.data)?.[k])!, 'base64').toString('utf8') : undefined);
    const why = raw === undefined ? undefined : jsonObjectError(raw);
    if (why) errs.push(invalid(FieldPath.root('data').key(k), '<secret contents redacted>', why));
  }
  if (type === 'kubernetes.io/service-account-token' && !str(obj(obj(o.metadata)?.annotations)?.['kubernetes.io/service-account.name']))
    errs.push(required(FieldPath.root('metadata', 'annotations').key('kubernetes.io/service-account.name')));
}

/** Why `text` is not a JSON object, worded as Go's json.Unmarshal into a map says it; undefined when it is. */
function jsonObjectError(text: string): string | undefined {
  const t = text.trimStart();
  if (t === '') return 'unexpected end of JSON input';
  if (!'{["-0123456789tfn'.includes(t[0]!)) return `invalid character '${t[0]}' looking for beginning of value`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'unexpected end of JSON input';
  }
  if (v === null) return undefined; // null unmarshals into a nil map
  if (typeof v !== 'object' || Array.isArray(v)) {
    const what = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number';
    return `json: cannot unmarshal ${what} into Go value of type map[string]interface {}`;
  }
  return undefined;
}

function validatePersistentVolumeClaimSpec(specRaw: unknown, p: FieldPath, errs: FieldError[]): void {
  const spec = obj(specRaw);
  if (!spec) return;
  if (arr(spec.accessModes).length === 0) errs.push(required(p.child('accessModes'), 'at least 1 access mode is required'));
  const res = obj(spec.resources);
  const storage = obj(res?.requests)?.storage;
  const sp = p.child('resources').key('storage');
  if (storage === undefined) errs.push(required(sp));
  else {
    const q = quantity(storage, sp, errs);
    if (q !== undefined && q <= 0) errs.push(invalid(sp, storage, 'must be greater than zero'));
  }
  for (const f of ['limits', 'requests'])
    for (const [name, v] of Object.entries(obj(res?.[f]) ?? {})) if (name !== 'storage') quantity(v, p.child('resources', f).key(name), errs);
  errs.push(...(obj(spec.selector) ? validateLabelSelector(obj(spec.selector)!, p.child('selector')).errs : []));
}

const PV_SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

function validatePersistentVolumeSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
  if (arr(spec.accessModes).length === 0) errs.push(required(p.child('accessModes'), 'at least 1 access mode is required'));
  const cap = obj(spec.capacity);
  if (!cap || Object.keys(cap).length === 0) errs.push(required(p.child('capacity')));
  else {
    if (cap.storage === undefined || Object.keys(cap).length > 1) errs.push(notSupported(p.child('capacity'), cap, ['storage']));
    for (const [k, v] of Object.entries(cap)) quantity(v, p.child('capacity').key(k), errs);
  }
  const sources = PV_SOURCES.filter((s) => spec[s] !== undefined);
  if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
  for (const s of sources.slice(1)) errs.push(forbidden(p.child(s), 'may not specify more than 1 volume type'));
  const hp = obj(spec.hostPath);
  if (hp && str(hp.path) === '') errs.push(required(p.child('hostPath', 'path')));
}

function validatePortList(ports: unknown, p: FieldPath, errs: FieldError[], portRequired: boolean): void {
  arr(ports).forEach((raw, i) => {
    const port = obj(raw) ?? {};
    const ip = p.index(i);
    const n = int(port.port);
    if (n !== undefined) for (const m of portNumErrors(n)) errs.push(invalid(ip.child('port'), n, m));
    else if (portRequired) errs.push(required(ip.child('port')));
    const name = str(port.name);
    if (name) for (const m of dns1123Label(name)) errs.push(invalid(ip.child('name'), name, m));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

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

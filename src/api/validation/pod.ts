// The pod spec (pkg/apis/core/validation ValidatePodSpec): containers, ports, env, volumes, probes, resources.
import type { FieldError } from '../../util/errors.js';
import { QuantityError, parseQuantity } from '../quantity.js';
import { FieldPath, duplicate, forbidden, invalid, notFound, notSupported, required, warning } from './field.js';
import { configMapKeyErrors, dns1123Label, dns1123Subdomain, envVarNameErrors, inclusiveRangeError, NON_NEGATIVE, portNameErrors, portNumErrors, qualifiedNameErrors } from './formats.js';
import { arr, int, obj, str, type Obj } from './json.js';
import { nonNegative, validateLabels } from './meta.js';

/** Quantity field: parse with upstream's message; returns the value (in nano-units, exact) when it parses. */
export function quantity(v: unknown, p: FieldPath, errs: FieldError[]): bigint | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined; // schema reports the type
  try {
    return parseQuantity(v).nano;
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
  const limits = new Map<string, { raw: unknown; value: bigint }>();
  const check = (field: 'limits' | 'requests') => {
    for (const [name, raw] of Object.entries(obj(r[field]) ?? {})) {
      const kp = p.child(field).key(name);
      if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-'))
        errs.push(invalid(kp, name, 'must be a standard resource for containers'));
      else if (name.includes('/')) for (const m of qualifiedNameErrors(name)) errs.push(invalid(kp, name, m));
      const value = quantity(raw, kp, errs);
      if (value === undefined) continue;
      if (value < 0n) {
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
export function portNumOrName(v: unknown, p: FieldPath, errs: FieldError[]): void {
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
        if (q !== undefined && q < 0n) errs.push(forbidden(sp.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
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

export interface PodSpecOptions {
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

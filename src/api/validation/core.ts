// The core kinds other than Pod (pkg/apis/core/validation): Service, ConfigMap, Secret, PersistentVolume(Claim),
// Endpoints and EndpointSlice ports.
import type { FieldError } from '../../util/errors.js';
import { FieldPath, duplicate, fe, forbidden, invalid, notSupported, required, tooLong } from './field.js';
import { base64Error, configMapKeyErrors, dns1123Label, dns1123Subdomain, portNumErrors } from './formats.js';
import { arr, int, obj, str, type Obj } from './json.js';
import { validateLabels, validateLabelSelector } from './meta.js';
import { portNumOrName, quantity } from './pod.js';

const NODE_PORT_RANGE = { min: 30000, max: 32767 };

export function validateServiceSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
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

export const MAX_CONFIG_SIZE = 1024 * 1024;

export function validateDataKeys(o: Obj, fields: readonly string[], errs: FieldError[], base64Fields: readonly string[]): number {
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

export function validateSecret(o: Obj, errs: FieldError[]): void {
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

export function validatePersistentVolumeClaimSpec(specRaw: unknown, p: FieldPath, errs: FieldError[]): void {
  const spec = obj(specRaw);
  if (!spec) return;
  if (arr(spec.accessModes).length === 0) errs.push(required(p.child('accessModes'), 'at least 1 access mode is required'));
  const res = obj(spec.resources);
  const storage = obj(res?.requests)?.storage;
  const sp = p.child('resources').key('storage');
  if (storage === undefined) errs.push(required(sp));
  else {
    const q = quantity(storage, sp, errs);
    if (q !== undefined && q <= 0n) errs.push(invalid(sp, storage, 'must be greater than zero'));
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

export function validatePersistentVolumeSpec(spec: Obj, p: FieldPath, errs: FieldError[]): void {
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

export function validatePortList(ports: unknown, p: FieldPath, errs: FieldError[], portRequired: boolean): void {
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

// A container's environment as the kubelet builds it (upstream kubelet_pods.go makeEnvironmentVariables):
// envFrom first (ConfigMaps and Secrets, with prefix), then env in order: value with $(VAR) expansion from
// the variables defined before it, or valueFrom (fieldRef, resourceFieldRef, configMapKeyRef,
// secretKeyRef). Pure: the ConfigMaps and Secrets are looked up by the caller. Values are never logged.
import type { ConfigMap, Container, Pod, Secret } from '../api/types.js';
import { quantityNumber, tryParseQuantity } from '../api/quantity.js';
import type { EnvVar } from '../runtime/runtime.js';
import { KctlError } from '../util/errors.js';

/** The spec cannot be turned into a container config: the container waits with CreateContainerConfigError. */
export class ContainerConfigError extends KctlError {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super('Invalid', message);
  }
}

export interface EnvSources {
  /** ConfigMaps of the pod's namespace by name (null or absent: not found) */
  configMaps: Record<string, ConfigMap | null | undefined>;
  secrets: Record<string, Secret | null | undefined>;
  podIP?: string;
  hostIP: string;
  /** for resourceFieldRef limits that are not set: the node's allocatable (cpu in cores, memory in bytes) */
  nodeAllocatable: { cpu: number; memory: number };
  /** the Kubernetes service variables (WEB_SERVICE_HOST, ...): defined after the container's own, which win */
  serviceEnv?: Record<string, string>;
}

/** Names of the ConfigMaps and Secrets a container's environment reads. */
export function envReferences(c: Container): { configMaps: string[]; secrets: string[] } {
  const cms = new Set<string>();
  const secrets = new Set<string>();
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef?.name) cms.add(f.configMapRef.name);
    if (f.secretRef?.name) secrets.add(f.secretRef.name);
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.configMapKeyRef?.name) cms.add(e.valueFrom.configMapKeyRef.name);
    if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
  }
  return { configMaps: [...cms], secrets: [...secrets] };
}

/**
 * `$(NAME)` → the variable's value; `$$` → `$`; an unknown or unterminated reference stays as written
 * (upstream third_party/forked/golang/expansion).
 */
export function expandEnv(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) out += '$(';
      else {
        const name = rest.slice(1, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function decodeSecret(s: Secret, key: string): string | undefined {
  const str = (s as Secret & { stringData?: Record<string, string> }).stringData?.[key];
  if (str !== undefined) return str;
  const b64 = s.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

function secretKeys(s: Secret): string[] {
  const sd = (s as Secret & { stringData?: Record<string, string> }).stringData ?? {};
  return [...new Set([...Object.keys(s.data ?? {}), ...Object.keys(sd)])];
}

const LABEL_REF = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** upstream podFieldSelectorRuntimeValue (+ the downward API fields env may use). */
export function podFieldValue(pod: Pod, fieldPath: string, src: Pick<EnvSources, 'podIP' | 'hostIP'>): string {
  const m = LABEL_REF.exec(fieldPath);
  if (m) {
    const map = m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[m[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return src.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return src.podIP ?? '';
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** upstream containerResourceRuntimeValue: a resource of a container divided by the divisor, rounded up. */
export function resourceFieldValue(
  pod: Pod,
  self: Container,
  ref: { containerName?: string; resource: string; divisor?: string | number },
  alloc: EnvSources['nodeAllocatable'],
): string {
  const c = ref.containerName
    ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === ref.containerName)
    : self;
  if (!c) throw new ContainerConfigError(`cannot find container "${ref.containerName}" in pod ${pod.metadata?.name ?? ''}`);
  const [kind, res] = ref.resource.split('.') as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !res) throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  const num = (x: unknown): number | undefined => {
    const q = tryParseQuantity(x);
    return q && quantityNumber(q);
  };
  const lim = num(c.resources?.limits?.[res]);
  const req = num(c.resources?.requests?.[res]);
  let v: number;
  if (kind === 'limits') {
    if (lim !== undefined) v = lim;
    else if (res === 'cpu') v = alloc.cpu;
    else if (res === 'memory') v = alloc.memory;
    else v = 0;
  } else v = req ?? lim ?? 0;
  const divisor = num(ref.divisor ?? 1) || 1;
  if (res === 'cpu') return String(Math.ceil(Math.round(v * 1000) / Math.round(divisor * 1000) - 1e-9));
  if (res === 'memory' || res === 'ephemeral-storage') return String(Math.ceil(v / divisor - 1e-9));
  throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
}

/** The container's environment, in definition order (a later definition of a name replaces an earlier). */
export function makeEnvironmentVariables(pod: Pod, c: Container, src: EnvSources): EnvVar[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const env = new Map<string, string>();
  const set = (name: string, value: string): void => {
    env.delete(name);
    env.set(name, value);
  };
  for (const f of c.envFrom ?? []) {
    const prefix = f.prefix ?? '';
    if (f.configMapRef) {
      const name = f.configMapRef.name ?? '';
      const cm = src.configMaps[name];
      if (!cm) {
        if (f.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) set(prefix + k, v);
    } else if (f.secretRef) {
      const name = f.secretRef.name ?? '';
      const s = src.secrets[name];
      if (!s) {
        if (f.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      for (const k of secretKeys(s)) set(prefix + k, decodeSecret(s, k) ?? '');
    }
  }
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf || e.value) {
      set(e.name, expandEnv(e.value ?? '', (n) => env.get(n) ?? src.serviceEnv?.[n]));
      continue;
    }
    if (vf.fieldRef) set(e.name, podFieldValue(pod, vf.fieldRef.fieldPath, src));
    else if (vf.resourceFieldRef) set(e.name, resourceFieldValue(pod, c, vf.resourceFieldRef, src.nodeAllocatable));
    else if (vf.configMapKeyRef) {
      const { name = '', key, optional } = vf.configMapKeyRef;
      const cm = src.configMaps[name];
      if (!cm) {
        if (optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      const v = cm.data?.[key] ?? (cm.binaryData?.[key] !== undefined ? Buffer.from(cm.binaryData[key]!, 'base64').toString('utf8') : undefined);
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
      }
      set(e.name, v);
    } else if (vf.secretKeyRef) {
      const { name = '', key, optional } = vf.secretKeyRef;
      const s = src.secrets[name];
      if (!s) {
        if (optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      const v = decodeSecret(s, key);
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
      }
      set(e.name, v);
    } else set(e.name, '');
  }
  for (const [name, value] of Object.entries(src.serviceEnv ?? {})) if (!env.has(name)) env.set(name, value);
  return [...env].map(([name, value]) => ({ name, value }));
}

// imagePullSecrets (upstream pkg/credentialprovider keyring.go, reduced): the entries of kubernetes.io/
// dockerconfigjson (and legacy dockercfg) Secrets that match an image's registry, most specific first. A key
// matches when its host (`*` globs per label), port and path prefix match the image's; Docker Hub's aliases
// (docker.io, index.docker.io, registry-1.docker.io, https://index.docker.io/v1/) are one registry. Pure,
// except pullWithCredentials, which tries each matching credential in turn as the kubelet does.
import type { Secret } from '../api/types.js';
import type { ImageManager, PullProgress, RegistryAuth } from '../runtime/runtime.js';

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** what the engine expects as serveraddress for Docker Hub */
const HUB_SERVER = 'https://index.docker.io/v1/';

/** Registry host (with port) and repository path of an image reference (Docker's normalization). */
export function imageRegistry(image: string): { host: string; path: string } {
  let ref = image.split('@')[0]!;
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  let host = DOCKER_HUB;
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    host = first.toLowerCase();
    ref = ref.slice(slash + 1);
  }
  // the tag: a ':' after the last '/'
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  let path = colon < 0 ? ref : ref.slice(0, colon);
  if (HUB_ALIASES.has(host)) {
    host = DOCKER_HUB;
    if (!path.includes('/')) path = `library/${path}`;
  }
  return { host, path };
}

interface Key {
  host: string;
  path: string;
}

function parseKey(raw: string): Key {
  const s = raw.trim().replace(/^[a-z]+:\/\//i, '');
  const slash = s.indexOf('/');
  const host = (slash < 0 ? s : s.slice(0, slash)).toLowerCase();
  // a leading /v1/ or /v2/ is the registry API's, not a repository path (upstream keyring, as docker's ResolveAuthConfig)
  const path = (slash < 0 ? '' : s.slice(slash + 1)).replace(/^v[12](\/|$)/, '').replace(/\/+$/, '');
  return { host: HUB_ALIASES.has(host) ? DOCKER_HUB : host, path };
}

function hostMatches(pattern: string, host: string): boolean {
  const [pHost, pPort = ''] = pattern.split(':');
  const [hHost, hPort = ''] = host.split(':');
  if (pPort !== hPort) return false;
  const p = pHost!.split('.');
  const h = hHost!.split('.');
  if (p.length !== h.length) return false;
  return p.every((label, i) => {
    const re = new RegExp(`^${label.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*')}$`);
    return re.test(h[i]!);
  });
}

function pathMatches(prefix: string, path: string): boolean {
  if (!prefix) return true;
  const a = prefix.split('/');
  const b = path.split('/');
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

interface Entry {
  username?: string;
  password?: string;
  auth?: string;
  identitytoken?: string;
}

/** The registry entries of a dockerconfigjson / dockercfg Secret (key → entry); {} when it is neither or unreadable. */
export function dockerConfigEntries(s: Secret): Record<string, Entry> {
  const raw = (k: string): string | undefined => s.stringData?.[k] ?? (s.data?.[k] !== undefined ? Buffer.from(s.data[k]!, 'base64').toString('utf8') : undefined);
  try {
    if (s.type === 'kubernetes.io/dockerconfigjson') {
      const cfg = JSON.parse(raw('.dockerconfigjson') ?? '{}') as { auths?: Record<string, Entry> };
      return cfg.auths ?? {};
    }
    if (s.type === 'kubernetes.io/dockercfg') return JSON.parse(raw('.dockercfg') ?? '{}') as Record<string, Entry>;
  } catch {
    /* malformed: validation refuses it on write; nothing to use */
  }
  return {};
}

function toAuth(key: Key, e: Entry): RegistryAuth | undefined {
  const out: RegistryAuth = { serveraddress: key.host === DOCKER_HUB ? HUB_SERVER : key.host };
  let { username, password } = e;
  if ((username === undefined || password === undefined) && e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i >= 0) {
      username = plain.slice(0, i);
      password = plain.slice(i + 1);
    }
  }
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (e.identitytoken) out.identitytoken = e.identitytoken;
  return out.username !== undefined || out.identitytoken !== undefined ? out : undefined;
}

/** The credentials of `secrets` for `image`, most specific key first (a longer path, then no glob), then in secret order. */
export function credentialsFor(image: string, secrets: Secret[]): RegistryAuth[] {
  const target = imageRegistry(image);
  const found: { key: Key; auth: RegistryAuth; order: number }[] = [];
  let order = 0;
  for (const s of secrets)
    for (const [rawKey, e] of Object.entries(dockerConfigEntries(s))) {
      const key = parseKey(rawKey);
      if (!hostMatches(key.host, target.host) || !pathMatches(key.path, target.path)) continue;
      const auth = toAuth(key, e);
      if (auth) found.push({ key, auth, order: order++ });
    }
  const glob = (k: Key): number => (k.host.includes('*') ? 1 : 0);
  found.sort((a, b) => b.key.path.length - a.key.path.length || glob(a.key) - glob(b.key) || a.order - b.order);
  return found.map((f) => f.auth);
}

/**
 * Pulls with each credential in turn until one works (upstream's puller); with none, anonymously. The error is
 * the last attempt's (the engine's message: it names the image, never the credentials).
 */
export async function pullWithCredentials(
  runtime: Pick<ImageManager, 'pullImage'>,
  image: string,
  creds: RegistryAuth[],
  onProgress?: (p: PullProgress) => void,
): Promise<void> {
  if (!creds.length) return runtime.pullImage(image, onProgress);
  let last: unknown;
  for (const c of creds) {
    try {
      return await runtime.pullImage(image, onProgress, c);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

// The API server's certificates, kept in $KCTL_HOME/pki/ and reused across restarts (kubectl's kubeconfig keeps
// working): a CA, the serving certificate (SANs 127.0.0.1 and localhost) and the admin client certificate
// (CN kctl-admin, O system:masters, as kind's kubernetes-admin). Keys are RSA 2048 made by node:crypto; the
// certificates are built and signed by node-forge (see docs/ARCHITECTURE.md for the choice). Private keys are
// 0600. A missing, unreadable or expiring (< 30 days left) leaf is issued again from the kept CA; a CA that is
// missing or expiring starts the set over.
//
// `node:fs` is allowed here (an edge of the architecture): this module owns the pki/ folder.
import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface CertKey {
  /** PEM certificate */
  cert: string;
  /** PEM private key (PKCS#8) */
  key: string;
}

export interface Pki {
  ca: CertKey;
  serving: CertKey;
  admin: CertKey;
  dir: string;
}

const DAY = 86_400_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
export const ADMIN_USER = 'kctl-admin';
export const ADMIN_GROUP = 'system:masters';
export const SERVING_SANS = { dns: ['localhost'], ip: ['127.0.0.1'] } as const;

const genKeyPair = promisify(generateKeyPair);

type Forge = typeof import('node-forge');
let forgeMod: Promise<Forge> | undefined;
const forge = (): Promise<Forge> =>
  (forgeMod ??= import('node-forge').then((m) => ((m as { default?: Forge }).default ?? m) as Forge));

async function newKey(): Promise<{ publicPem: string; privatePem: string }> {
  const { publicKey, privateKey } = await genKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/** A positive random serial number (hex, high bit clear). */
const serial = (): string => {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  return b.toString('hex');
};

interface CertSpec {
  commonName: string;
  organization?: string;
  days: number;
  isCA: boolean;
  usage: 'ca' | 'server' | 'client';
  dns?: readonly string[];
  ip?: readonly string[];
}

async function issue(spec: CertSpec, issuer: CertKey | undefined, key?: Promise<{ publicPem: string; privatePem: string }>): Promise<CertKey> {
  const f = await forge();
  const keys = await (key ?? newKey());
  const cert = f.pki.createCertificate();
  cert.publicKey = f.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000); // a minute of clock skew
  cert.validity.notAfter = new Date(now + spec.days * DAY);
  const subject: { name: string; value: string }[] = [];
  if (spec.organization) subject.push({ name: 'organizationName', value: spec.organization });
  subject.push({ name: 'commonName', value: spec.commonName });
  cert.setSubject(subject);
  const issuerCert = issuer ? f.pki.certificateFromPem(issuer.cert) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const ext: Record<string, unknown>[] = [{ name: 'basicConstraints', cA: spec.isCA, critical: true }];
  if (spec.usage === 'ca') ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, keyEncipherment: true, critical: true });
  else {
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    ext.push({ name: 'extKeyUsage', serverAuth: spec.usage === 'server', clientAuth: spec.usage === 'client' });
  }
  if (spec.dns?.length || spec.ip?.length)
    ext.push({
      name: 'subjectAltName',
      altNames: [...(spec.dns ?? []).map((value) => ({ type: 2, value })), ...(spec.ip ?? []).map((ip) => ({ type: 7, ip }))],
    });
  ext.push({ name: 'subjectKeyIdentifier' });
  if (issuerCert) ext.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(ext);
  const signer = f.pki.privateKeyFromPem(issuer ? issuer.key : keys.privatePem);
  cert.sign(signer, f.md.sha256.create());
  return { cert: f.pki.certificateToPem(cert), key: keys.privatePem };
}

/** True when the pair parses, the key matches, it has RENEW_BEFORE_DAYS left, and (for a leaf) ca issued it. */
function usable(ck: CertKey | undefined, ca: CertKey | undefined, now: number): boolean {
  if (!ck) return false;
  try {
    const x = new X509Certificate(ck.cert);
    if (Date.parse(x.validTo) - now < RENEW_BEFORE_DAYS * DAY || Date.parse(x.validFrom) > now + 60_000) return false;
    if (!x.checkPrivateKey(createPrivateKey(ck.key))) return false;
    if (ca) {
      const cax = new X509Certificate(ca.cert);
      if (!x.checkIssued(cax) || !x.verify(cax.publicKey)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function readPair(dir: string, name: string): Promise<CertKey | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(join(dir, `${name}.crt`), 'utf8'), readFile(join(dir, `${name}.key`), 'utf8')]);
    return { cert, key };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Writes a file atomically (temp + rename) with the given mode. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

async function writePair(dir: string, name: string, ck: CertKey): Promise<void> {
  await writeFileAtomic(join(dir, `${name}.key`), ck.key, 0o600);
  await writeFileAtomic(join(dir, `${name}.crt`), ck.cert, 0o644);
}

/**
 * Loads $KCTL_HOME/pki (dir), issuing what is missing or expiring. Only the controller calls it (it holds the
 * controller lock), so there is no concurrent writer.
 */
export async function ensurePki(dir: string, now = Date.now()): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const [curCa, curServing, curAdmin] = await Promise.all(['ca', 'apiserver', 'admin'].map((n) => readPair(dir, n)));
  const caOk = usable(curCa, undefined, now);
  const servingOk = caOk && usable(curServing, curCa, now);
  const adminOk = caOk && usable(curAdmin, curCa, now);
  // the keys needed are made at once, on the thread pool (the slow part on a busy machine)
  const key = (need: boolean) => {
    if (!need) return undefined;
    const p = newKey();
    p.catch(() => undefined);
    return p;
  };
  const [caKey, servingKey, adminKey] = [key(!caOk), key(!servingOk), key(!adminOk)];
  let ca = curCa!;
  if (!caOk) {
    ca = await issue({ commonName: 'kctl-ca', days: CA_DAYS, isCA: true, usage: 'ca' }, undefined, caKey);
    await writePair(dir, 'ca', ca);
  }
  const leaf = async (name: string, cur: CertKey | undefined, k: ReturnType<typeof key>, spec: CertSpec): Promise<CertKey> => {
    if (!k) return cur!;
    const ck = await issue(spec, ca, k);
    await writePair(dir, name, ck);
    return ck;
  };
  const serving = await leaf('apiserver', curServing, servingKey, {
    commonName: 'kctl-apiserver',
    days: LEAF_DAYS,
    isCA: false,
    usage: 'server',
    dns: SERVING_SANS.dns,
    ip: SERVING_SANS.ip,
  });
  const admin = await leaf('admin', curAdmin, adminKey, { commonName: ADMIN_USER, organization: ADMIN_GROUP, days: LEAF_DAYS, isCA: false, usage: 'client' });
  return { ca, serving, admin, dir };
}

/** Issues a throwaway CA and a client certificate it signs (tests: a certificate kctl's CA did not issue). */
export async function issueForeignClient(commonName = ADMIN_USER): Promise<{ ca: CertKey; client: CertKey }> {
  const ca = await issue({ commonName: 'other-ca', days: 1, isCA: true, usage: 'ca' }, undefined);
  const client = await issue({ commonName, organization: ADMIN_GROUP, days: 1, isCA: false, usage: 'client' }, ca);
  return { ca, client };
}

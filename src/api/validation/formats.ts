// String formats (k8s.io/apimachinery/pkg/util/validation): each returns the list of messages, [] when valid.
import { isQualifiedName, isValidLabelValue } from '../labels.js';
import { nameErrors } from '../names.js';

export const regexError = (msg: string, fmt: string, ...examples: string[]) =>
  `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
export const maxLenError = (n: number) => `must be no more than ${n} characters`;
export const inclusiveRangeError = (lo: number, hi: number) => `must be between ${lo} and ${hi}, inclusive`;
export const NON_NEGATIVE = 'must be greater than or equal to 0';

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);
const ENV_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_NAME_RE = new RegExp(`^${ENV_NAME_FMT}$`);
export const PERCENT_FMT = '[0-9]+%';
export const PERCENT_RE = new RegExp(`^${PERCENT_FMT}$`);

/** IsDNS1123Subdomain */
export const dns1123Subdomain = (v: string): string[] => (v === '' ? [] : nameErrors('Pod', v));
/** IsDNS1123Label */
export const dns1123Label = (v: string): string[] => (v === '' ? [] : nameErrors('Namespace', v));

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
export const portNumErrors = (port: number): string[] => (Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)]);

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

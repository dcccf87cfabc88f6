// Name rules from k8s.io/apimachinery/pkg/util/validation. Every name is checked here before it touches a path.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kinds whose names must be DNS-1123 labels (max 63) rather than subdomains (max 253). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

/**
 * Kinds whose names upstream validates as path segments (rbac's ValidateRBACName: `system:aggregate-to-admin`,
 * upper case allowed). kctl narrows the characters to the ones such names use, so every name stays a safe file
 * name: letters, digits, '-', '_', '.', ':', '@', starting and ending with a letter or digit.
 */
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const PATH_SEGMENT_SAFE = /^[A-Za-z0-9]([-A-Za-z0-9_.:@]*[A-Za-z0-9])?$/;

function pathSegmentErrors(name: string): string[] {
  // upstream's path.IsValidPathSegmentName messages first
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (name.includes(c)) errs.push(`may not contain '${c}'`);
  if (errs.length) return errs;
  if (name.length > 253) return ['must be no more than 253 characters'];
  if (!PATH_SEGMENT_SAFE.test(name))
    return ["kctl accepts letters, digits, '-', '_', '.', ':' and '@' in this name, starting and ending with a letter or digit"];
  return [];
}

/** Returns the reasons a name is invalid for a kind, worded as the API server does; [] when valid. */
export function nameErrors(kind: string, name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['name or generateName is required'];
  if (PATH_SEGMENT_NAMED.has(kind)) return pathSegmentErrors(name);
  if (LABEL_NAMED.has(kind)) {
    const errs: string[] = [];
    if (name.length > 63) errs.push('must be no more than 63 characters');
    if (!DNS1123_LABEL.test(name))
      errs.push(
        `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      );
    return errs;
  }
  const errs: string[] = [];
  if (name.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(name))
    errs.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
  return errs;
}

/** True when the string is safe as one path component of the store (a valid name of any kind). */
export function isSafeName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && (DNS1123_SUBDOMAIN.test(name) || PATH_SEGMENT_SAFE.test(name));
}

// Name rules from k8s.io/apimachinery/pkg/util/validation. Every name is checked here before it touches a path.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kinds whose names must be DNS-1123 labels (max 63) rather than subdomains (max 253). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

/** Returns the reasons a name is invalid for a kind, worded as the API server does; [] when valid. */
export function nameErrors(kind: string, name: unknown): string[] {
  if (typeof name !== 'string' || name === '') return ['name or generateName is required'];
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
  return name.length > 0 && name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

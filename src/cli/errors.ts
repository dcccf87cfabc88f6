// The one error edge: turns anything thrown into kubectl-style lines and an exit code.
import { KctlError, MultiError, SilentExit, UsageError, ValidationError } from '../util/errors.js';

function sourcePrefix(e: KctlError): string {
  return e.source ? `${e.source}: ` : '';
}

function formatOne(e: KctlError): string[] {
  if (e instanceof ValidationError) {
    const fields = e.fields.filter((f) => f.severity !== 'warning');
    // refused by the store (no file behind it): kubectl's wording of an API server's Invalid status
    if (!e.source && fields.every((f) => !f.source)) {
      const head = `The ${e.kind} "${e.objectName}" is invalid: `;
      return fields.length === 1 ? [`${head}${fields[0]!.path}: ${fields[0]!.message}`] : [head, ...fields.map((f) => `* ${f.path}: ${f.message}`)];
    }
    // one line per field so each names its own file:line:col
    return e.fields
      .filter((f) => f.severity !== 'warning')
      .map((f) => `error: ${f.source ?? e.source ?? ''}${f.source || e.source ? ': ' : ''}${e.kind} "${e.objectName}": ${f.path}: ${f.message}`);
  }
  // kubectl prints API-server refusals this way; scripts grep for it
  if (e.code === 'NotFound' || e.code === 'AlreadyExists' || e.code === 'Conflict' || e.code === 'Forbidden') {
    const reason = e.code;
    const op = e.source ? `error when applying "${e.source}": ` : '';
    return [`Error from server (${reason}): ${op}${e.message}`];
  }
  return [`error: ${sourcePrefix(e)}${e.message}`];
}

export function formatError(e: unknown, verbosity = 0): string {
  if (e instanceof SilentExit) return '';
  const lines: string[] = [];
  if (e instanceof MultiError) for (const x of e.errors) lines.push(...formatOne(x));
  else if (e instanceof KctlError) {
    lines.push(...formatOne(e));
    if (e instanceof UsageError) lines.push("See 'kctl --help' for usage.");
  } else if (e instanceof Error) {
    lines.push(`error: ${e.message}`);
  } else {
    lines.push(`error: ${String(e)}`);
  }
  if (verbosity > 0 && e instanceof Error && e.stack) lines.push(e.stack);
  return lines.join('\n') + '\n';
}

export function exitCodeOf(e: unknown): number {
  if (e instanceof KctlError) return e.exitCode;
  return 1;
}

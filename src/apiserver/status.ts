// metav1.Status: every error the API server answers, with upstream's reason, code, details and message
// (k8s.io/apimachinery/pkg/api/errors), so kubectl prints `Error from server (NotFound): deployments.apps "nope"
// not found` itself. The shared code throws KctlErrors; statusFromError maps them, with the resource the request
// named for the details.
import type { ServerResponse } from 'node:http';
import { KctlError, ValidationError } from '../util/errors.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** An error the server answers as this Status (routes throw it; so do the server's own limits). */
export class ApiStatusError extends Error {
  readonly status: Status;
  /** extra response headers (Retry-After ...) */
  readonly headers: Record<string, string>;
  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? 'error');
    this.status = status;
    this.headers = headers;
  }
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length) s.details = details;
  return s;
}

export const statusError = (code: number, reason: string, message: string, details?: StatusDetails, headers?: Record<string, string>): ApiStatusError =>
  new ApiStatusError(failure(code, reason, message, details), headers);

// ---- the errors upstream's handlers produce themselves

export const unauthorized = (): ApiStatusError => statusError(401, 'Unauthorized', 'Unauthorized');
export const entityTooLarge = (limit: number): ApiStatusError =>
  statusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
export const tooManyRequests = (retryAfterSeconds = 1): ApiStatusError =>
  statusError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
export const notFoundPath = (): ApiStatusError => statusError(404, 'NotFound', 'the server could not find the requested resource', {});
export const methodNotSupported = (resource: string, method: string): ApiStatusError =>
  statusError(405, 'MethodNotAllowed', `${method} is not supported on resources of kind "${resource}"`, { kind: resource });
export const badRequest = (message: string): ApiStatusError => statusError(400, 'BadRequest', message);
export const unsupportedMediaType = (contentType: string): ApiStatusError =>
  statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${contentType}`);
export const notAcceptable = (accepted: string): ApiStatusError =>
  statusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`);
export const timeoutStatus = (): ApiStatusError =>
  statusError(504, 'Timeout', 'Timeout: request did not complete within the allotted timeout', { retryAfterSeconds: 1 });
export const expired = (message: string): ApiStatusError => statusError(410, 'Expired', message);

/** What the request named, for Status.details (upstream: the qualified resource and the name). */
export interface StatusTarget {
  group?: string;
  /** the resource (plural) */
  resource?: string;
  /** the kind (Invalid errors name the kind: `The Deployment "web" is invalid`) */
  kind?: string;
  name?: string;
}

const CODE_OF: Record<string, [number, string]> = {
  NotFound: [404, 'NotFound'],
  AlreadyExists: [409, 'AlreadyExists'],
  Conflict: [409, 'Conflict'],
  Invalid: [422, 'Invalid'],
  Forbidden: [403, 'Forbidden'],
  Expired: [410, 'Expired'],
  Usage: [400, 'BadRequest'],
  ManifestParse: [400, 'BadRequest'],
  Timeout: [504, 'Timeout'],
};

/** Upstream's field-error type of a message ("Invalid value: ...", "Required value", "Unsupported value" ...). */
function causeReason(message: string): string {
  if (message.startsWith('Required value')) return 'FieldValueRequired';
  if (message.startsWith('Unsupported value')) return 'FieldValueNotSupported';
  if (message.startsWith('Duplicate value')) return 'FieldValueDuplicate';
  if (message.startsWith('Forbidden')) return 'FieldValueForbidden';
  if (message.startsWith('Too long') || message.startsWith('Too many')) return 'FieldValueTooLong';
  if (message.startsWith('Not found')) return 'FieldValueNotFound';
  if (message.startsWith('Internal error')) return 'InternalError';
  return 'FieldValueInvalid';
}

/** Maps any error to the Status upstream would answer. Unknown errors are 500 InternalError. */
export function statusFromError(e: unknown, target: StatusTarget = {}): ApiStatusError {
  if (e instanceof ApiStatusError) return e;
  const details = (): StatusDetails => {
    const d: StatusDetails = {};
    if (target.name) d.name = target.name;
    if (target.group) d.group = target.group;
    if (target.resource) d.kind = target.resource;
    return d;
  };
  if (e instanceof ValidationError) {
    const group = target.group;
    const qualifiedKind = group ? `${e.kind}.${group}` : e.kind;
    const msg = `${qualifiedKind} "${e.objectName}" is invalid: ${aggregate(e.fields.map((f) => `${f.path}: ${f.message}`))}`;
    const d: StatusDetails = { name: e.objectName, ...(group ? { group } : {}), kind: e.kind };
    d.causes = e.fields.map((f) => ({ reason: causeReason(f.message), message: f.message, field: f.path }));
    return statusError(422, 'Invalid', msg, d);
  }
  if (e instanceof KctlError && e.code === 'NotFound' && /^the server doesn't have a resource type/.test(e.message)) return notFoundPath();
  if (e instanceof KctlError && e.code === 'NotFound' && /^no matches for kind/.test(e.message)) return badRequest(e.message);
  if (e instanceof KctlError && CODE_OF[e.code]) {
    const [code, reason] = CODE_OF[e.code]!;
    const d = code === 400 ? {} : details();
    return statusError(code, reason, e.message, d);
  }
  const message = e instanceof Error ? e.message : String(e);
  return statusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several as `[a, b]`. */
export function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

/** Sends a Status as JSON (the body kubectl decodes). */
export function writeStatus(res: ServerResponse, err: ApiStatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.status);
  res.writeHead(err.status.code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...err.headers,
  });
  res.end(body);
}

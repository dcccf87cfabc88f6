// Status answers of the streaming handlers, in upstream's shape (metav1.Status, kind Status), on an HTTP
// response or on a socket whose upgrade is refused.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ApiStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; kind?: string; group?: string };
  code: number;
}

const REASONS: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 422: 'Invalid', 500: 'InternalError' };
const TEXTS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 501: 'Not Implemented' };

/** An error of a streaming request, answered before any upgrade. */
export class StreamRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly details?: ApiStatus['details'],
    /** answer as plain text (what the kubelet's http.Error says), not as a Status */
    readonly plain = false,
  ) {
    super(message);
    this.name = 'StreamRequestError';
  }
}

export const badRequest = (message: string): StreamRequestError => new StreamRequestError(400, message);

export function podNotFound(name: string): StreamRequestError {
  return new StreamRequestError(404, `pods "${name}" not found`, { name, kind: 'pods' });
}

export function statusOf(e: StreamRequestError): ApiStatus {
  const s: ApiStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: e.message,
    reason: REASONS[e.code] ?? 'InternalError',
    code: e.code,
  };
  if (e.details) s.details = e.details;
  return s;
}

/** Answers an HTTP request with the error (a Status as JSON, or its text). */
export function writeError(res: ServerResponse, e: StreamRequestError): void {
  const plain = e.plain;
  const body = plain ? `${e.message}\n` : JSON.stringify(statusOf(e));
  res.writeHead(e.code, { 'Content-Type': plain ? 'text/plain; charset=utf-8' : 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Refuses an upgrade on the raw socket with the error, then closes it. */
export function refuseUpgrade(socket: Duplex, e: StreamRequestError, extraHeaders: Record<string, string> = {}): void {
  const plain = e.plain;
  const body = plain ? `${e.message}\n` : JSON.stringify(statusOf(e));
  const headers = {
    'Content-Type': plain ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
    ...extraHeaders,
  };
  const head = `HTTP/1.1 ${e.code} ${TEXTS[e.code] ?? 'Error'}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  if (!socket.destroyed) socket.end(head + body);
}

/** A query flag as the API server's parameter codec reads a bool ("true", "1", ...). */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && /^(1|t|true|T|TRUE|True)$/.test(v);
}

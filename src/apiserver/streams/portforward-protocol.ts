// portforward.k8s.io over SPDY: per forwarded connection the client opens two streams with the same
// `requestID` header, an error stream (`streamType: error`, the server writes a message there when forwarding
// fails) and a data stream (`streamType: data`, the connection's bytes); both carry `port`. The server pairs
// them, then forwards. Pure: the rules of the kubelet's httpstream port-forward handler (header checks,
// pairing, the legacy pairing by stream id of clients older than 1.4), no I/O.
import { headerValue, type SpdyHeaders } from './spdy-frames.js';

export const PORT_FORWARD_PROTOCOL_V1 = 'portforward.k8s.io';
/** Sec-WebSocket-Protocol prefix of SPDY tunnelled in a WebSocket (kubectl ≥ 1.30) */
export const SPDY_TUNNELING_PREFIX = 'SPDY/3.1+';
export const SPDY_TUNNELING_PROTOCOL = `${SPDY_TUNNELING_PREFIX}${PORT_FORWARD_PROTOCOL_V1}`;
/** the Upgrade token of a plain SPDY upgrade and its protocol header (apimachinery httpstream) */
export const SPDY_UPGRADE = 'SPDY/3.1';
export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';
export const HEADER_ACCEPTED_PROTOCOL_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';

/** header names (k8s.io/api/core/v1 constants), lower-case as they travel */
export const HEADER_STREAM_TYPE = 'streamtype';
export const HEADER_PORT = 'port';
export const HEADER_REQUEST_ID = 'requestid';

export type PortForwardStreamType = 'data' | 'error';

export interface PortForwardStreamInfo {
  streamType: PortForwardStreamType;
  port: number;
}

/**
 * A new stream's headers as the kubelet's httpStreamReceived checks them; a string is the reason to refuse
 * (reset) the stream.
 */
export function checkStreamHeaders(headers: SpdyHeaders): PortForwardStreamInfo | string {
  const portString = headerValue(headers, HEADER_PORT);
  if (portString === '') return '"port" header is required';
  if (!/^\d+$/.test(portString) || Number(portString) > 65535) return `unable to parse "${portString}" as a port`;
  const port = Number(portString);
  if (port < 1) return `port "${portString}" must be > 0`;
  const streamType = headerValue(headers, HEADER_STREAM_TYPE);
  if (streamType === '') return '"streamType" header is required';
  if (streamType !== 'data' && streamType !== 'error') return `invalid stream type "${streamType}"`;
  return { streamType, port };
}

/**
 * The request a stream belongs to: its requestID header, or for clients before 1.4 (no header) the error
 * stream's id, which the data stream follows by 2.
 */
export function requestIdOf(headers: SpdyHeaders, streamId: number, streamType: PortForwardStreamType): string {
  const id = headerValue(headers, HEADER_REQUEST_ID);
  if (id !== '') return id;
  return String(streamType === 'error' ? streamId : streamId - 2);
}

export interface StreamPair<S> {
  requestId: string;
  port: number;
  data: S;
  error: S;
}

export type PairResult<S> =
  | { type: 'waiting'; requestId: string }
  | { type: 'complete'; pair: StreamPair<S> }
  /** upstream writes this to the pair's error stream (when it has one) and keeps going */
  | { type: 'error'; requestId: string; message: string };

/** Pairs error and data streams by request id (httpStreamPair.add). */
export class StreamPairer<S> {
  private readonly pending = new Map<string, { port: number; data?: S; error?: S }>();

  add(stream: S, info: PortForwardStreamInfo, requestId: string): PairResult<S> {
    let p = this.pending.get(requestId);
    if (!p) {
      p = { port: info.port };
      this.pending.set(requestId, p);
    }
    if (p[info.streamType] !== undefined) {
      return { type: 'error', requestId, message: `error processing stream for request ${requestId}: ${info.streamType} stream already assigned` };
    }
    p[info.streamType] = stream;
    if (info.streamType === 'data') p.port = info.port;
    if (p.data === undefined || p.error === undefined) return { type: 'waiting', requestId };
    this.pending.delete(requestId);
    return { type: 'complete', pair: { requestId, port: p.port, data: p.data, error: p.error } };
  }

  /** Forgets an incomplete request (its creation timed out); returns the streams it held. */
  drop(requestId: string): S[] {
    const p = this.pending.get(requestId);
    this.pending.delete(requestId);
    return p ? [p.data, p.error].filter((s): s is S => s !== undefined) : [];
  }

  /** the error stream of a pending request, where a pairing error is reported */
  errorStreamOf(requestId: string): S | undefined {
    return this.pending.get(requestId)?.error;
  }

  get size(): number {
    return this.pending.size;
  }
}

/** What the error stream says when forwarding one connection fails (kubelet httpstream portForward). */
export function forwardErrorMessage(port: number, pod: string, uid: string, cause: string): string {
  return `error forwarding port ${port} to pod ${pod}, uid ${uid}: ${cause}`;
}

/** The protocol a plain SPDY upgrade agrees on (httpstream.Handshake), or the 403 body when none fits. */
export function negotiatePortForwardProtocol(clientProtocols: string[]): { protocol: string } | { error: string } {
  const offered = clientProtocols.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (offered.length === 0) return { error: `unable to upgrade: ${HEADER_PROTOCOL_VERSION} is required` };
  if (offered.includes(PORT_FORWARD_PROTOCOL_V1)) return { protocol: PORT_FORWARD_PROTOCOL_V1 };
  return {
    error: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL_V1}]`,
  };
}

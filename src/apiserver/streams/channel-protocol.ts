// The channel protocol of exec and attach over WebSockets (k8s.io/apimachinery wsstream, the kubelet's
// remotecommand): every binary message is one stream id byte and its payload. v4.channel.k8s.io made the
// error channel carry a metav1.Status (the exit code as its `ExitCode` cause); v5.channel.k8s.io added the
// close signal, a message [255, id] half-closing one stream (kubectl sends [255, 0] at the end of stdin).
// Pure: bytes in, values out.

export const V5_CHANNEL_PROTOCOL = 'v5.channel.k8s.io';
export const V4_CHANNEL_PROTOCOL = 'v4.channel.k8s.io';

/** The subprotocols kctl's exec/attach speak, newest first. */
export const CHANNEL_PROTOCOLS = [V5_CHANNEL_PROTOCOL, V4_CHANNEL_PROTOCOL] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

/** Stream ids (k8s.io/apimachinery/pkg/util/remotecommand constants). */
export const STREAM_STDIN = 0;
export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;
export const STREAM_ERROR = 3;
export const STREAM_RESIZE = 4;
/** v5 only: [STREAM_CLOSE, id] half-closes stream `id` */
export const STREAM_CLOSE = 255;

/** Reason and cause type of a command that exited non-zero (apimachinery remotecommand constants). */
export const NON_ZERO_EXIT_CODE_REASON = 'NonZeroExitCode';
export const EXIT_CODE_CAUSE_TYPE = 'ExitCode';

/**
 * The subprotocol to answer with, from the client's Sec-WebSocket-Protocol list: the first the client offers
 * that kctl speaks (wsstream's handshake takes the client's order). undefined: none, refuse the upgrade.
 */
export function negotiateChannelProtocol(offered: Iterable<string>): ChannelProtocol | undefined {
  for (const p of offered) {
    const t = p.trim();
    if ((CHANNEL_PROTOCOLS as readonly string[]).includes(t)) return t as ChannelProtocol;
  }
  return undefined;
}

/** Splits a Sec-WebSocket-Protocol header value ("a, b") into its protocols. */
export function parseProtocolHeader(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const all = Array.isArray(value) ? value.join(',') : value;
  return all
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One message: the stream id byte, then the payload. */
export function encodeChannelMessage(stream: number, data: Uint8Array | string = new Uint8Array(0)): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = stream;
  out.set(payload, 1);
  return out;
}

/** v5's close signal for a stream. */
export function encodeCloseMessage(stream: number): Buffer {
  return Buffer.from([STREAM_CLOSE, stream]);
}

export type ChannelMessage =
  | { type: 'data'; stream: number; data: Buffer }
  | { type: 'close'; stream: number }
  /** a message to drop (empty; or a close signal without exactly one id byte, which wsstream treats as an error) */
  | { type: 'invalid'; reason: string };

/** Decodes one binary message as the server side of `protocol` reads it. */
export function decodeChannelMessage(msg: Uint8Array, protocol: ChannelProtocol): ChannelMessage {
  if (msg.length === 0) return { type: 'invalid', reason: 'empty message' };
  const id = msg[0]!;
  if (id === STREAM_CLOSE && protocol === V5_CHANNEL_PROTOCOL) {
    if (msg.length !== 2) return { type: 'invalid', reason: `single channel byte should follow stream close signal, got ${msg.length - 1} bytes` };
    return { type: 'close', stream: msg[1]! };
  }
  const data = Buffer.from(msg.buffer, msg.byteOffset + 1, msg.length - 1);
  return { type: 'data', stream: id, data };
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The resize channel's JSON, `{"Width":80,"Height":24}` (remotecommand.TerminalSize has no json tags). */
export function encodeTerminalSize(size: TerminalSize): Buffer {
  return Buffer.from(JSON.stringify({ Width: size.columns, Height: size.rows }));
}

/**
 * The sizes in a chunk of the resize stream. The client writes one JSON object per size with a json.Encoder
 * (each followed by "\n"); a message may hold several, or none that parses (ignored, as the kubelet logs and
 * goes on).
 */
export function decodeTerminalSizes(data: Uint8Array | string): TerminalSize[] {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  const sizes: TerminalSize[] = [];
  for (const part of text.split('\n')) {
    if (part.trim() === '') continue;
    try {
      const v = JSON.parse(part) as { Width?: unknown; Height?: unknown };
      const w = v.Width;
      const h = v.Height;
      if (typeof w === 'number' && typeof h === 'number' && Number.isInteger(w) && Number.isInteger(h) && w >= 0 && h >= 0 && w <= 0xffff && h <= 0xffff) {
        sizes.push({ columns: w, rows: h });
      }
    } catch {
      // not a size: skipped
    }
  }
  return sizes;
}

/** metav1.Status as encoding/json writes it on the error channel (no kind/apiVersion; empty metadata). */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
  code?: number;
}

/** The status a command that exited 0 ends with. */
export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/**
 * The status a command that exited non-zero ends with, as the kubelet's remotecommand writes it:
 * reason NonZeroExitCode and a cause of type ExitCode (json key `reason`) whose message is the code.
 */
export function exitCodeStatus(exitCode: number, cmd: readonly string[]): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${cmd.join(' ')}], exit code ${exitCode}`,
    reason: NON_ZERO_EXIT_CODE_REASON,
    details: { causes: [{ reason: EXIT_CODE_CAUSE_TYPE, message: String(exitCode) }] },
  };
}

/** A failure to run the command at all (apierrors.NewInternalError of the kubelet's wrapped error). */
export function internalErrorStatus(message: string): StreamStatus {
  const err = `error executing command in container: ${message}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${err}`,
    reason: 'InternalError',
    details: { causes: [{ message: err }] },
    code: 500,
  };
}

/** The status for the exit code of a finished command. */
export function statusForExit(exitCode: number, cmd: readonly string[]): StreamStatus {
  return exitCode === 0 ? successStatus() : exitCodeStatus(exitCode, cmd);
}

export function encodeStatus(s: StreamStatus): Buffer {
  return Buffer.from(JSON.stringify(s));
}

/**
 * What a v4/v5 client makes of the error channel's content (client-go errorDecoderV4): the exit code, 0 on
 * Success, or an error message.
 */
export function decodeStatus(data: Uint8Array | string): { exitCode: number } | { error: string } {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  let s: Partial<StreamStatus>;
  try {
    s = JSON.parse(text) as Partial<StreamStatus>;
  } catch (e) {
    return { error: `error stream protocol error: ${(e as Error).message} in ${JSON.stringify(text)}` };
  }
  if (s.status === 'Success') return { exitCode: 0 };
  if (s.status !== 'Failure') return { error: 'error stream protocol error: unknown error' };
  if (s.reason === NON_ZERO_EXIT_CODE_REASON) {
    if (!s.details) return { error: 'error stream protocol error: details must be set' };
    for (const c of s.details.causes ?? []) {
      if (c.reason !== EXIT_CODE_CAUSE_TYPE) continue;
      const rc = Number(c.message);
      if (!/^\d+$/.test(c.message ?? '') || rc > 255) return { error: `error stream protocol error: invalid exit code value ${JSON.stringify(c.message)}` };
      return { exitCode: rc };
    }
    return { error: `error stream protocol error: no ${EXIT_CODE_CAUSE_TYPE} cause given` };
  }
  return { error: s.message ?? '' };
}

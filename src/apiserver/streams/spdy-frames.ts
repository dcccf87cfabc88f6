// SPDY/3.1 framing as kubectl's port-forward speaks it (github.com/moby/spdystream/spdy: its read.go and
// write.go are the reference). Pure: bytes in, frames out, and back. Header blocks stay opaque (compressed)
// here; spdy-headers.ts owns the connection's zlib contexts, and the name/value block format is below.
//
// Control frame: |1|version(15)=3|type(16)|flags(8)|length(24)|payload
// Data frame:    |0|stream id(31)|flags(8)|length(24)|data

export const SPDY_VERSION = 3;

export const FRAME_TYPES = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

/** FLAG_FIN of data frames and of SYN_STREAM/SYN_REPLY/HEADERS */
export const FLAG_FIN = 0x01;
/** SYN_STREAM's FLAG_UNIDIRECTIONAL */
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes (spdy.RstStreamStatus) */
export const RST_STATUS = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  INVALID_CREDENTIALS: 10,
  FRAME_TOO_LARGE: 11,
} as const;

/** GOAWAY status codes */
export const GOAWAY_STATUS = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

/** The largest payload a frame's 24-bit length can state. */
export const MAX_FRAME_LENGTH = 0xffffff;

export interface SettingsEntry {
  flags: number;
  id: number;
  value: number;
}

export type SpdyFrame =
  | { type: 'SYN_STREAM'; flags: number; streamId: number; associatedToStreamId: number; priority: number; slot: number; headerBlock: Buffer }
  | { type: 'SYN_REPLY'; flags: number; streamId: number; headerBlock: Buffer }
  | { type: 'RST_STREAM'; streamId: number; status: number }
  | { type: 'SETTINGS'; flags: number; entries: SettingsEntry[] }
  | { type: 'PING'; id: number }
  | { type: 'GOAWAY'; lastGoodStreamId: number; status: number }
  | { type: 'HEADERS'; flags: number; streamId: number; headerBlock: Buffer }
  | { type: 'WINDOW_UPDATE'; streamId: number; deltaWindowSize: number }
  | { type: 'DATA'; flags: number; streamId: number; data: Buffer }
  /** a control frame of a type SPDY/3 does not define: skipped, as spdystream does */
  | { type: 'UNKNOWN'; frameType: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const STREAM_ID_MASK = 0x7fffffff;

function controlHeader(type: number, flags: number, length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  b.writeUInt16BE(type, 2);
  b.writeUInt32BE(((flags & 0xff) << 24 | length) >>> 0, 4);
  return b;
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** The bytes of one frame. Throws SpdyProtocolError for what spdystream refuses to write (stream id 0 ...). */
export function encodeFrame(f: SpdyFrame): Buffer {
  const needStream = (id: number): void => {
    if (id === 0) throw new SpdyProtocolError(`${f.type} with stream id 0`);
    if (id > STREAM_ID_MASK) throw new SpdyProtocolError(`stream id ${id} out of range`);
  };
  switch (f.type) {
    case 'SYN_STREAM': {
      needStream(f.streamId);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(f.streamId & STREAM_ID_MASK, 0);
      fixed.writeUInt32BE(f.associatedToStreamId & STREAM_ID_MASK, 4);
      fixed[8] = (f.priority & 0x07) << 5;
      fixed[9] = f.slot & 0xff;
      return Buffer.concat([controlHeader(FRAME_TYPES.SYN_STREAM, f.flags, 10 + f.headerBlock.length), fixed, f.headerBlock]);
    }
    case 'SYN_REPLY':
    case 'HEADERS': {
      needStream(f.streamId);
      const t = f.type === 'SYN_REPLY' ? FRAME_TYPES.SYN_REPLY : FRAME_TYPES.HEADERS;
      return Buffer.concat([controlHeader(t, f.flags, 4 + f.headerBlock.length), u32s(f.streamId & STREAM_ID_MASK), f.headerBlock]);
    }
    case 'RST_STREAM':
      needStream(f.streamId);
      if (f.status === 0) throw new SpdyProtocolError('RST_STREAM with status 0');
      return Buffer.concat([controlHeader(FRAME_TYPES.RST_STREAM, 0, 8), u32s(f.streamId & STREAM_ID_MASK, f.status)]);
    case 'SETTINGS': {
      const body = Buffer.alloc(4 + f.entries.length * 8);
      body.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        body.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + i * 8);
        body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
      });
      return Buffer.concat([controlHeader(FRAME_TYPES.SETTINGS, f.flags, body.length), body]);
    }
    case 'PING':
      if (f.id === 0) throw new SpdyProtocolError('PING with id 0');
      return Buffer.concat([controlHeader(FRAME_TYPES.PING, 0, 4), u32s(f.id)]);
    case 'GOAWAY':
      return Buffer.concat([controlHeader(FRAME_TYPES.GOAWAY, 0, 8), u32s(f.lastGoodStreamId & STREAM_ID_MASK, f.status)]);
    case 'WINDOW_UPDATE':
      return Buffer.concat([controlHeader(FRAME_TYPES.WINDOW_UPDATE, 0, 8), u32s(f.streamId & STREAM_ID_MASK, f.deltaWindowSize & STREAM_ID_MASK)]);
    case 'DATA': {
      needStream(f.streamId);
      if (f.data.length > MAX_FRAME_LENGTH) throw new SpdyProtocolError(`data frame of ${f.data.length} bytes`);
      const h = Buffer.alloc(8);
      h.writeUInt32BE(f.streamId & STREAM_ID_MASK, 0);
      h.writeUInt32BE((((f.flags & 0xff) << 24) | f.data.length) >>> 0, 4);
      return Buffer.concat([h, f.data]);
    }
    case 'UNKNOWN':
      return Buffer.concat([controlHeader(f.frameType, f.flags, f.payload.length), f.payload]);
  }
}

function decodeControl(type: number, flags: number, p: Buffer): SpdyFrame {
  const need = (n: number): void => {
    if (p.length < n) throw new SpdyProtocolError(`control frame type ${type}: ${p.length} bytes, need ${n}`);
  };
  const sid = (off: number): number => p.readUInt32BE(off) & STREAM_ID_MASK;
  switch (type) {
    case FRAME_TYPES.SYN_STREAM: {
      need(10);
      const streamId = sid(0);
      if (streamId === 0) throw new SpdyProtocolError('SYN_STREAM with stream id 0');
      return { type: 'SYN_STREAM', flags, streamId, associatedToStreamId: sid(4), priority: p[8]! >> 5, slot: p[9]!, headerBlock: p.subarray(10) };
    }
    case FRAME_TYPES.SYN_REPLY:
    case FRAME_TYPES.HEADERS: {
      need(4);
      const streamId = sid(0);
      if (streamId === 0) throw new SpdyProtocolError('header frame with stream id 0');
      return { type: type === FRAME_TYPES.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS', flags, streamId, headerBlock: p.subarray(4) };
    }
    case FRAME_TYPES.RST_STREAM: {
      need(8);
      const streamId = sid(0);
      const status = p.readUInt32BE(4);
      if (status === 0) throw new SpdyProtocolError('RST_STREAM with status 0');
      if (streamId === 0) throw new SpdyProtocolError('RST_STREAM with stream id 0');
      return { type: 'RST_STREAM', streamId, status };
    }
    case FRAME_TYPES.SETTINGS: {
      need(4);
      const n = p.readUInt32BE(0);
      need(4 + n * 8);
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < n; i++) {
        const fid = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: fid >>> 24, id: fid & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'SETTINGS', flags, entries };
    }
    case FRAME_TYPES.PING: {
      need(4);
      const id = p.readUInt32BE(0);
      if (id === 0) throw new SpdyProtocolError('PING with id 0');
      if (flags !== 0) throw new SpdyProtocolError('PING with flags');
      return { type: 'PING', id };
    }
    case FRAME_TYPES.GOAWAY:
      need(8);
      if (flags !== 0) throw new SpdyProtocolError('GOAWAY with flags');
      return { type: 'GOAWAY', lastGoodStreamId: sid(0), status: p.readUInt32BE(4) };
    case FRAME_TYPES.WINDOW_UPDATE:
      need(8);
      return { type: 'WINDOW_UPDATE', streamId: sid(0), deltaWindowSize: p.readUInt32BE(4) & STREAM_ID_MASK };
    default:
      return { type: 'UNKNOWN', frameType: type, flags, payload: p };
  }
}

/**
 * Incremental reader: push the bytes as they arrive, get the whole frames they complete. Holds at most one
 * partial frame; a frame longer than `maxFrameLength` (default: any the format allows) is a protocol error.
 */
export class SpdyFrameReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameLength = MAX_FRAME_LENGTH) {}

  push(chunk: Uint8Array): SpdyFrame[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: SpdyFrame[] = [];
    for (;;) {
      if (this.buf.length < 8) break;
      const length = this.buf.readUInt32BE(4) & 0xffffff;
      if (length > this.maxFrameLength) throw new SpdyProtocolError(`frame of ${length} bytes exceeds ${this.maxFrameLength}`);
      if (this.buf.length < 8 + length) break;
      const flags = this.buf[4]!;
      const payload = Buffer.from(this.buf.subarray(8, 8 + length));
      const first = this.buf.readUInt32BE(0);
      this.buf = this.buf.subarray(8 + length);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        out.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        const streamId = first & STREAM_ID_MASK;
        if (streamId === 0) throw new SpdyProtocolError('data frame with stream id 0');
        out.push({ type: 'DATA', flags, streamId, data: payload });
      }
    }
    return out;
  }

  /** bytes of an incomplete frame held back */
  get pending(): number {
    return this.buf.length;
  }
}

/** Header names to values (several values of one name travel joined by NUL, as spdystream writes them). */
export type SpdyHeaders = Record<string, string[]>;

/** The uncompressed name/value block: count, then (length, name, length, value) each, 32-bit lengths. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const names = Object.keys(headers);
  const parts: Buffer[] = [u32s(names.length)];
  for (const name of names) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from((headers[name] ?? []).join('\0'), 'utf8');
    parts.push(u32s(n.length), n, u32s(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed name/value block (names lower-case, as SPDY requires; values split at NUL). */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let off = 0;
  const u32 = (): number => {
    if (off + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const v = block.readUInt32BE(off);
    off += 4;
    return v;
  };
  const str = (): string => {
    const n = u32();
    if (off + n > block.length) throw new SpdyProtocolError('truncated header block');
    const s = block.toString('utf8', off, off + n);
    off += n;
    return s;
  };
  const count = u32();
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = str();
    const value = str();
    if (name === '') throw new SpdyProtocolError('empty header name');
    if (name !== name.toLowerCase()) throw new SpdyProtocolError(`header name ${JSON.stringify(name)} is not lower case`);
    out[name] = [...(out[name] ?? []), ...value.split('\0')];
  }
  return out;
}

/** The first value of a header, by case-insensitive name ("" when absent), as Go's http.Header.Get. */
export function headerValue(headers: SpdyHeaders, name: string): string {
  return headers[name.toLowerCase()]?.[0] ?? '';
}

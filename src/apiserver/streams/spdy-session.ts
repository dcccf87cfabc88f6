// The server end of a SPDY/3.1 connection, as much of it as port-forward needs: the client opens streams
// (SYN_STREAM, answered by an empty SYN_REPLY or refused with RST_STREAM), both sides send DATA and
// half-close with FIN, PINGs from the client are echoed, GOAWAY ends the session. Flow control is not
// enforced (spdystream, kubectl's end, neither sends nor honours WINDOW_UPDATE). The bytes travel over any
// transport (a TCP socket after a SPDY upgrade, or the binary messages of a WebSocket tunnel).
import { Duplex } from 'node:stream';
import {
  FLAG_FIN,
  GOAWAY_STATUS,
  RST_STATUS,
  SpdyFrameReader,
  SpdyProtocolError,
  encodeFrame,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy-frames.js';
import { SpdyHeaderCompressor, SpdyHeaderDecompressor } from './spdy-headers.js';

/** Where the session's bytes go. */
export interface ByteTransport {
  write(data: Buffer): void;
  /** ends the connection (after what was written) */
  end(): void;
}

export interface SpdySessionOptions {
  /** a stream the client opened; return a reason to refuse it (RST_STREAM), else it is accepted */
  accept?(headers: SpdyHeaders, streamId: number): string | undefined;
  /** an accepted stream, after its SYN_REPLY was queued */
  onStream(stream: SpdyStream): void;
  /** refused streams, protocol errors (the session ends after those) */
  onError?(err: Error): void;
  /** the session is over (GOAWAY, transport closed, or close()) */
  onClose?(): void;
}

/** Largest DATA frame kctl writes (spdystream writes what it is given; 32 KiB keeps frames moderate). */
const MAX_DATA_CHUNK = 32 * 1024;

/** One stream: a Duplex of the peer's DATA (ends at its FIN) and ours (end() sends FIN). */
export class SpdyStream extends Duplex {
  private remoteDone = false;
  private localDone = false;
  private wasReset = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    // data is pushed as frames arrive (no flow control in spdystream)
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.wasReset) return cb();
    for (let off = 0; off < chunk.length; off += MAX_DATA_CHUNK) {
      this.session.sendFrame({ type: 'DATA', flags: 0, streamId: this.id, data: chunk.subarray(off, off + MAX_DATA_CHUNK) });
    }
    cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.wasReset && !this.localDone) this.session.sendFrame({ type: 'DATA', flags: FLAG_FIN, streamId: this.id, data: Buffer.alloc(0) });
    this.localDone = true;
    this.maybeDone();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.session.forget(this.id);
    cb(err);
  }

  /** Ends the stream at once both ways (RST_STREAM, CANCEL by default). */
  reset(status: number = RST_STATUS.CANCEL): void {
    if (this.wasReset) return;
    this.wasReset = true;
    if (!(this.localDone && this.remoteDone)) this.session.sendFrame({ type: 'RST_STREAM', streamId: this.id, status });
    this.destroy();
  }

  get isReset(): boolean {
    return this.wasReset;
  }

  /** @internal a DATA frame from the peer */
  receive(data: Buffer, fin: boolean): void {
    if (this.wasReset || this.remoteDone) return;
    if (data.length) this.push(data);
    if (fin) {
      this.remoteDone = true;
      this.push(null);
      this.maybeDone();
    }
  }

  /** @internal the peer reset the stream */
  peerReset(): void {
    this.wasReset = true;
    this.push(null);
    this.destroy();
  }

  private maybeDone(): void {
    if (this.localDone && this.remoteDone) this.session.forget(this.id);
  }
}

/** The server end of one SPDY connection. Feed it the transport's bytes with receive(). */
export class SpdySession {
  private readonly reader = new SpdyFrameReader();
  private readonly inflate = new SpdyHeaderDecompressor();
  private readonly deflate = new SpdyHeaderCompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private lastPeerStream = 0;
  private incoming: Promise<void> = Promise.resolve();
  private outgoing: Promise<void> = Promise.resolve();
  private closed = false;
  private transportGone = false;

  constructor(
    private readonly transport: ByteTransport,
    private readonly o: SpdySessionOptions,
  ) {}

  /** Bytes from the transport. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    for (const f of frames) this.incoming = this.incoming.then(() => (this.closed ? undefined : this.handle(f))).catch((e: Error) => this.fail(e));
  }

  /** The transport is gone: every stream ends. */
  transportClosed(): void {
    this.transportGone = true;
    this.shutdown(false);
  }

  /** Says GOAWAY, ends every stream and the transport. */
  close(): void {
    if (this.closed) return;
    this.sendFrame({ type: 'GOAWAY', lastGoodStreamId: this.lastPeerStream, status: GOAWAY_STATUS.OK });
    this.shutdown(true);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** @internal queue a frame without a header block (after every frame queued before it) */
  sendFrame(f: SpdyFrame): void {
    if (this.closed) return;
    const bytes = encodeFrame(f);
    this.queueWrite(async () => bytes);
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private sendReply(streamId: number): void {
    const block = this.deflate.compress({});
    block.catch(() => undefined);
    this.queueWrite(async () => encodeFrame({ type: 'SYN_REPLY', flags: 0, streamId, headerBlock: await block }));
  }

  /** Writes go out one after the other, in the order they were queued. */
  private queueWrite(bytes: () => Promise<Buffer>): void {
    this.outgoing = this.outgoing
      .then(async () => {
        const b = await bytes();
        if (!this.transportGone) this.transport.write(b);
      })
      .catch((e: Error) => this.fail(e));
  }

  private async handle(f: SpdyFrame): Promise<void> {
    switch (f.type) {
      case 'SYN_STREAM': {
        const headers = await this.inflate.decompress(f.headerBlock);
        if (f.streamId % 2 === 0 || f.streamId <= this.lastPeerStream) {
          this.sendFrame({ type: 'RST_STREAM', streamId: f.streamId, status: RST_STATUS.PROTOCOL_ERROR });
          return;
        }
        this.lastPeerStream = f.streamId;
        const refusal = this.o.accept?.(headers, f.streamId);
        if (refusal !== undefined) {
          this.o.onError?.(new Error(`stream rejected: ${refusal}`));
          this.sendFrame({ type: 'RST_STREAM', streamId: f.streamId, status: RST_STATUS.CANCEL });
          return;
        }
        const s = new SpdyStream(f.streamId, headers, this);
        this.streams.set(f.streamId, s);
        this.sendReply(f.streamId);
        if (f.flags & FLAG_FIN) s.receive(Buffer.alloc(0), true);
        this.o.onStream(s);
        return;
      }
      case 'SYN_REPLY':
      case 'HEADERS':
        // keep the zlib context in step; kctl opens no streams and needs no trailing headers
        await this.inflate.decompress(f.headerBlock);
        if (f.flags & FLAG_FIN) this.streams.get(f.streamId)?.receive(Buffer.alloc(0), true);
        return;
      case 'DATA':
        this.streams.get(f.streamId)?.receive(f.data, (f.flags & FLAG_FIN) !== 0);
        return;
      case 'RST_STREAM':
        this.streams.get(f.streamId)?.peerReset();
        return;
      case 'PING':
        // ours would be even; the client's (odd) come back as they are
        if (f.id % 2 === 1) this.sendFrame(f);
        return;
      case 'GOAWAY':
        this.shutdown(true);
        return;
      case 'SETTINGS':
      case 'WINDOW_UPDATE':
      case 'UNKNOWN':
        return;
    }
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.o.onError?.(e instanceof SpdyProtocolError ? e : new SpdyProtocolError(e.message));
    this.sendFrame({ type: 'GOAWAY', lastGoodStreamId: this.lastPeerStream, status: GOAWAY_STATUS.PROTOCOL_ERROR });
    this.shutdown(true);
  }

  private shutdown(endTransport: boolean): void {
    if (this.closed) return;
    const flushed = this.outgoing;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.peerReset();
    this.streams.clear();
    void flushed
      .catch(() => undefined)
      .finally(() => {
        this.inflate.close();
        this.deflate.close();
        if (endTransport && !this.transportGone) this.transport.end();
        this.transportGone = true;
        this.o.onClose?.();
      });
  }
}

import { describe, expect, it } from 'vitest';
import { SpdyFrameReader, encodeFrame, type SpdyFrame, type SpdyHeaders } from '../../../../src/apiserver/streams/spdy-frames.js';
import { SpdyHeaderCompressor, SpdyHeaderDecompressor } from '../../../../src/apiserver/streams/spdy-headers.js';
import { SpdySession, type SpdyStream } from '../../../../src/apiserver/streams/spdy-session.js';

/** A client end: what spdystream would send, and what the server answered, decoded. */
function harness(accept?: (h: SpdyHeaders) => string | undefined) {
  const c = new SpdyHeaderCompressor();
  const d = new SpdyHeaderDecompressor();
  const reader = new SpdyFrameReader();
  const received: SpdyFrame[] = [];
  const streams: SpdyStream[] = [];
  const errors: string[] = [];
  let waiters: Array<() => void> = [];
  let ended = false;
  let closed = false;
  const session = new SpdySession(
    {
      write: (b) => {
        received.push(...reader.push(b));
        for (const w of waiters) w();
      },
      end: () => (ended = true),
    },
    { accept, onStream: (s) => streams.push(s), onError: (e) => errors.push(e.message), onClose: () => (closed = true) },
  );
  const until = async (pred: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setImmediate(r);
      });
      waiters = [];
    }
  };
  return {
    session,
    received,
    streams,
    errors,
    until,
    get ended() {
      return ended;
    },
    get closed() {
      return closed;
    },
    async syn(streamId: number, headers: SpdyHeaders, flags = 0) {
      session.receive(encodeFrame({ type: 'SYN_STREAM', flags, streamId, associatedToStreamId: 0, priority: 0, slot: 0, headerBlock: await c.compress(headers) }));
    },
    send(f: SpdyFrame) {
      session.receive(encodeFrame(f));
    },
    replyHeaders: (f: SpdyFrame) => (f.type === 'SYN_REPLY' ? d.decompress(f.headerBlock) : Promise.reject(new Error(f.type))),
  };
}

describe('SpdySession (server end)', () => {
  it('answers a SYN_STREAM with an empty SYN_REPLY, then carries data both ways and FIN', async () => {
    const t = harness();
    await t.syn(1, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
    await t.until(() => t.streams.length === 1 && t.received.length === 1, 'the stream');
    const s = t.streams[0]!;
    expect(s.id).toBe(1);
    expect(s.headers).toEqual({ streamtype: ['data'], port: ['80'], requestid: ['0'] });
    expect(t.received[0]).toMatchObject({ type: 'SYN_REPLY', streamId: 1, flags: 0 });
    expect(await t.replyHeaders(t.received[0]!)).toEqual({});

    const got: Buffer[] = [];
    s.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise<void>((r) => s.on('end', r));
    t.send({ type: 'DATA', flags: 0, streamId: 1, data: Buffer.from('GET / ') });
    t.send({ type: 'DATA', flags: 1, streamId: 1, data: Buffer.from('HTTP/1.0\r\n\r\n') });
    await ended;
    expect(Buffer.concat(got).toString()).toBe('GET / HTTP/1.0\r\n\r\n');

    s.write(Buffer.from('hello'));
    s.end();
    await t.until(() => t.received.length === 3, 'data and FIN');
    expect(t.received.slice(1)).toEqual([
      { type: 'DATA', flags: 0, streamId: 1, data: Buffer.from('hello') },
      { type: 'DATA', flags: 1, streamId: 1, data: Buffer.alloc(0) },
    ]);
    expect(t.session.openStreams).toBe(0);
  });

  it('splits large writes into 32 KiB frames', async () => {
    const t = harness();
    await t.syn(1, { streamtype: ['data'], port: ['80'] });
    await t.until(() => t.streams.length === 1, 'the stream');
    t.streams[0]!.write(Buffer.alloc(70_000, 1));
    await t.until(() => t.received.length === 4, 'the data frames');
    expect(t.received.slice(1).map((f) => (f.type === 'DATA' ? f.data.length : -1))).toEqual([32768, 32768, 4464]);
  });

  it('refuses a stream its accept() rejects with RST_STREAM CANCEL', async () => {
    const t = harness((h) => (h.port ? undefined : '"port" header is required'));
    await t.syn(1, { streamtype: ['data'] });
    await t.until(() => t.received.length === 1, 'the reset');
    expect(t.received[0]).toEqual({ type: 'RST_STREAM', streamId: 1, status: 5 });
    expect(t.errors).toEqual(['stream rejected: "port" header is required']);
    // the header context stays in step: the next stream is read fine
    await t.syn(3, { streamtype: ['data'], port: ['80'] });
    await t.until(() => t.streams.length === 1, 'the next stream');
    expect(t.streams[0]!.headers.port).toEqual(['80']);
  });

  it('refuses even or decreasing stream ids', async () => {
    const t = harness();
    await t.syn(2, { port: ['1'] });
    await t.until(() => t.received.length === 1, 'the reset');
    expect(t.received[0]).toEqual({ type: 'RST_STREAM', streamId: 2, status: 1 });
  });

  it('a peer RST_STREAM ends the stream without an error', async () => {
    const t = harness();
    await t.syn(1, { port: ['80'] });
    await t.until(() => t.streams.length === 1, 'the stream');
    const s = t.streams[0]!;
    const closed = new Promise<void>((r) => s.on('close', r));
    t.send({ type: 'RST_STREAM', streamId: 1, status: 5 });
    await closed;
    expect(s.isReset).toBe(true);
    s.write('ignored');
    expect(t.session.openStreams).toBe(0);
  });

  it('echoes the client\'s PINGs, skips SETTINGS and WINDOW_UPDATE', async () => {
    const t = harness();
    t.send({ type: 'SETTINGS', flags: 0, entries: [{ flags: 0, id: 7, value: 1 }] });
    t.send({ type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 5 });
    t.send({ type: 'PING', id: 1 });
    t.send({ type: 'PING', id: 2 });
    t.send({ type: 'PING', id: 3 });
    await t.until(() => t.received.length === 2, 'the pongs');
    expect(t.received).toEqual([
      { type: 'PING', id: 1 },
      { type: 'PING', id: 3 },
    ]);
  });

  it('GOAWAY from the client ends the streams and the transport', async () => {
    const t = harness();
    await t.syn(1, { port: ['80'] });
    await t.until(() => t.streams.length === 1, 'the stream');
    const closed = new Promise<void>((r) => t.streams[0]!.on('close', r));
    t.send({ type: 'GOAWAY', lastGoodStreamId: 0, status: 0 });
    await closed;
    await t.until(() => t.closed, 'the session end');
    expect(t.ended).toBe(true);
  });

  it('close() says GOAWAY with the last stream it accepted', async () => {
    const t = harness();
    await t.syn(3, { port: ['80'] });
    await t.until(() => t.received.length === 1, 'the reply');
    t.session.close();
    await t.until(() => t.closed, 'the session end');
    expect(t.received[1]).toEqual({ type: 'GOAWAY', lastGoodStreamId: 3, status: 0 });
    expect(t.ended).toBe(true);
  });

  it('a protocol error ends the session with GOAWAY PROTOCOL_ERROR', async () => {
    const t = harness();
    t.session.receive(Buffer.from('8002000600000004' + '00000001', 'hex'));
    await t.until(() => t.closed, 'the session end');
    expect(t.received).toEqual([{ type: 'GOAWAY', lastGoodStreamId: 0, status: 1 }]);
    expect(t.errors[0]).toMatch(/unsupported SPDY version 2/);
  });
});

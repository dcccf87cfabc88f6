// The framings against bytes the real kubectl v1.32.4 sent (recorded at kctl's API server, see the fixture's
// `about`): Go's spdystream framer (one zlib stream at BestCompression across header blocks, every field
// written separately) and client-go's WebSocket executor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeChannelMessage, V5_CHANNEL_PROTOCOL } from '../../../../src/apiserver/streams/channel-protocol.js';
import { SpdyFrameReader, type SpdyFrame, type SpdyHeaders } from '../../../../src/apiserver/streams/spdy-frames.js';
import { SpdyHeaderDecompressor } from '../../../../src/apiserver/streams/spdy-headers.js';
import { checkStreamHeaders, requestIdOf } from '../../../../src/apiserver/streams/portforward-protocol.js';

const rec = JSON.parse(readFileSync(new URL('../../../fixtures/streams/kubectl-1.32.json', import.meta.url), 'utf8')) as {
  portforwardClient: string;
  portforwardServer: string;
  execMessages: string[];
};

type Summary = { type: string; id?: number; fin?: boolean; headers?: SpdyHeaders; data?: string; status?: number };

async function summarize(hex: string): Promise<Summary[]> {
  const frames: SpdyFrame[] = new SpdyFrameReader().push(Buffer.from(hex, 'hex'));
  const inflate = new SpdyHeaderDecompressor();
  const out: Summary[] = [];
  for (const f of frames) {
    if (f.type === 'SYN_STREAM' || f.type === 'SYN_REPLY') out.push({ type: f.type, id: f.streamId, fin: (f.flags & 1) === 1, headers: await inflate.decompress(f.headerBlock) });
    else if (f.type === 'DATA') out.push({ type: 'DATA', id: f.streamId, fin: (f.flags & 1) === 1, data: f.data.toString('latin1').split('\r\n')[0]! });
    else if (f.type === 'RST_STREAM') out.push({ type: f.type, id: f.streamId, status: f.status });
    else out.push({ type: f.type });
  }
  inflate.close();
  return out;
}

describe('frames recorded from kubectl 1.32', () => {
  it('port-forward: each connection opens an error stream (half-closed at once) and a data stream, one requestID', async () => {
    const got = await summarize(rec.portforwardClient);
    const h = (type: string, id: string) => ({ streamtype: [type], port: ['80'], requestid: [id] });
    expect(got).toEqual([
      { type: 'SYN_STREAM', id: 1, fin: false, headers: h('error', '0') },
      { type: 'DATA', id: 1, fin: true, data: '' },
      { type: 'SYN_STREAM', id: 3, fin: false, headers: h('data', '0') },
      { type: 'DATA', id: 3, fin: false, data: 'GET / HTTP/1.1' },
      // io.Copy ended (the pod closed): dataStream.Close(), a FIN; its Reset() then finds the stream closed
      { type: 'DATA', id: 3, fin: true, data: '' },
      { type: 'SYN_STREAM', id: 5, fin: false, headers: h('error', '1') },
      { type: 'DATA', id: 5, fin: true, data: '' },
      { type: 'SYN_STREAM', id: 7, fin: false, headers: h('data', '1') },
      { type: 'DATA', id: 7, fin: false, data: 'GET / HTTP/1.1' },
      // here Reset() came first: RST_STREAM CANCEL (either ending is the client's to choose; both are served)
      { type: 'RST_STREAM', id: 7, status: 5 },
      { type: 'GOAWAY' },
    ]);
    for (const s of got.filter((f) => f.type === 'SYN_STREAM')) {
      const info = checkStreamHeaders(s.headers!);
      expect(typeof info).toBe('object');
      expect(requestIdOf(s.headers!, s.id!, (info as { streamType: 'data' | 'error' }).streamType)).toBe(s.headers!.requestid![0]);
    }
  });

  it('port-forward: what kctl answered parses back (empty SYN_REPLYs, the pod\'s bytes, FINs)', async () => {
    const got = await summarize(rec.portforwardServer);
    expect(got.filter((f) => f.type === 'SYN_REPLY')).toEqual([1, 3, 5, 7].map((id) => ({ type: 'SYN_REPLY', id, fin: false, headers: {} })));
    expect(got.filter((f) => f.type === 'DATA' && f.data !== '').map((f) => [f.id, f.data])).toEqual([
      [3, 'HTTP/1.1 200 OK'],
      [7, 'HTTP/1.1 200 OK'],
    ]);
    expect(got.filter((f) => f.type === 'DATA' && f.fin).map((f) => f.id).sort()).toEqual([1, 3, 5, 7]);
  });

  it('exec -i: stdin on channel 0, then v5\'s close of stream 0', () => {
    const msgs = rec.execMessages.map((h) => decodeChannelMessage(Buffer.from(h, 'hex'), V5_CHANNEL_PROTOCOL));
    expect(msgs.map((m) => (m.type === 'data' ? { ...m, data: m.data.toString() } : m))).toEqual([
      { type: 'data', stream: 0, data: 'hello\nworld\n' },
      { type: 'close', stream: 0 },
    ]);
  });
});

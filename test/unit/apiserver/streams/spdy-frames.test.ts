import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SpdyFrameReader,
  SpdyProtocolError,
  decodeHeaderBlock,
  encodeFrame,
  encodeHeaderBlock,
  headerValue,
  type SpdyFrame,
} from '../../../../src/apiserver/streams/spdy-frames.js';
import { SpdyHeaderCompressor, SpdyHeaderDecompressor } from '../../../../src/apiserver/streams/spdy-headers.js';
import { SPDY3_DICTIONARY } from '../../../../src/apiserver/streams/spdy-dictionary.js';

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Byte layouts of github.com/moby/spdystream/spdy write.go, frame by frame.
const FRAMES: Array<[string, SpdyFrame, string]> = [
  ['PING 1', { type: 'PING', id: 1 }, '8003 0006 00000004 00000001'],
  ['GOAWAY last 5, OK', { type: 'GOAWAY', lastGoodStreamId: 5, status: 0 }, '8003 0007 00000008 00000005 00000000'],
  ['RST_STREAM 3 CANCEL', { type: 'RST_STREAM', streamId: 3, status: 5 }, '8003 0003 00000008 00000003 00000005'],
  ['WINDOW_UPDATE 1 +65536', { type: 'WINDOW_UPDATE', streamId: 1, deltaWindowSize: 65536 }, '8003 0009 00000008 00000001 00010000'],
  [
    'SETTINGS initial window',
    { type: 'SETTINGS', flags: 0, entries: [{ flags: 0, id: 7, value: 65536 }] },
    '8003 0004 0000000c 00000001 00000007 00010000',
  ],
  ['DATA 1 "hi"', { type: 'DATA', flags: 0, streamId: 1, data: Buffer.from('hi') }, '00000001 00000002 6869'],
  ['DATA 3 FIN, empty', { type: 'DATA', flags: 1, streamId: 3, data: Buffer.alloc(0) }, '00000003 01000000'],
  [
    'SYN_STREAM 1 priority 0',
    { type: 'SYN_STREAM', flags: 0, streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, headerBlock: h('aabb') },
    '8003 0001 0000000c 00000001 00000000 00 00 aabb',
  ],
  [
    'SYN_STREAM 5 priority 7 FIN',
    { type: 'SYN_STREAM', flags: 1, streamId: 5, associatedToStreamId: 0, priority: 7, slot: 0, headerBlock: h('cc') },
    '8003 0001 0100000b 00000005 00000000 e0 00 cc',
  ],
  ['SYN_REPLY 1', { type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock: h('0102') }, '8003 0002 00000006 00000001 0102'],
  ['HEADERS 1', { type: 'HEADERS', flags: 0, streamId: 1, headerBlock: h('03') }, '8003 0008 00000005 00000001 03'],
];

describe('SPDY/3.1 frames', () => {
  it.each(FRAMES)('%s encodes and decodes', (_n, frame, wire) => {
    expect(encodeFrame(frame).toString('hex')).toBe(h(wire).toString('hex'));
    expect(new SpdyFrameReader().push(h(wire))).toEqual([frame]);
  });

  it('reads frames split anywhere and several per chunk', () => {
    const all = Buffer.concat(FRAMES.map(([, , w]) => h(w)));
    const r = new SpdyFrameReader();
    const got: SpdyFrame[] = [];
    for (const b of all) got.push(...r.push(Buffer.from([b])));
    expect(got).toEqual(FRAMES.map(([, f]) => f));
    expect(r.pending).toBe(0);
    expect(new SpdyFrameReader().push(all)).toHaveLength(FRAMES.length);
  });

  it('skips control frames of unknown types', () => {
    expect(new SpdyFrameReader().push(h('8003 000a 00000002 abcd'))).toEqual([{ type: 'UNKNOWN', frameType: 10, flags: 0, payload: h('abcd') }]);
  });

  it.each([
    ['SPDY/2', '8002 0006 00000004 00000001', /unsupported SPDY version 2/],
    ['PING 0', '8003 0006 00000004 00000000', /PING with id 0/],
    ['RST_STREAM status 0', '8003 0003 00000008 00000001 00000000', /status 0/],
    ['DATA on stream 0', '00000000 00000001 ff', /stream id 0/],
    ['short GOAWAY', '8003 0007 00000004 00000001', /need 8/],
  ])('refuses %s', (_n, wire, err) => {
    expect(() => new SpdyFrameReader().push(h(wire))).toThrow(err);
  });

  it('refuses a frame longer than its limit', () => {
    expect(() => new SpdyFrameReader(16).push(h('00000001 00000011'))).toThrow(SpdyProtocolError);
  });

  it('will not write stream id 0', () => {
    expect(() => encodeFrame({ type: 'DATA', flags: 0, streamId: 0, data: Buffer.alloc(0) })).toThrow(SpdyProtocolError);
  });
});

describe('SPDY header blocks', () => {
  it('lays out count, then length-prefixed lower-case names and NUL-joined values', () => {
    const block = encodeHeaderBlock({ StreamType: ['error'], port: ['80'], x: ['a', 'b'] });
    expect(block.toString('hex')).toBe(
      h(
        '00000003' +
          '0000000a' + Buffer.from('streamtype').toString('hex') + '00000005' + Buffer.from('error').toString('hex') +
          '00000004' + Buffer.from('port').toString('hex') + '00000002' + Buffer.from('80').toString('hex') +
          '00000001' + '78' + '00000003' + '610062',
      ).toString('hex'),
    );
    expect(decodeHeaderBlock(block)).toEqual({ streamtype: ['error'], port: ['80'], x: ['a', 'b'] });
    expect(headerValue(decodeHeaderBlock(block), 'streamType')).toBe('error');
    expect(headerValue(decodeHeaderBlock(block), 'requestID')).toBe('');
  });

  it.each([
    ['truncated', '00000001 00000004 7072'],
    ['upper-case name', '00000001 00000001 41 00000000'],
    ['empty name', '00000001 00000000 00000000'],
  ])('refuses a %s block', (_n, wire) => {
    expect(() => decodeHeaderBlock(h(wire))).toThrow(SpdyProtocolError);
  });

  it('the dictionary is SPDY/3\'s', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
    expect(SPDY3_DICTIONARY.subarray(-20).toString('latin1')).toBe('8859-1,utf-,*,enq=0.');
    expect(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });

  it('compresses with one zlib context per direction, primed with the dictionary', async () => {
    const c = new SpdyHeaderCompressor();
    const d = new SpdyHeaderDecompressor();
    const blocks = [
      { streamtype: ['error'], port: ['80'], requestid: ['0'] },
      { streamtype: ['data'], port: ['80'], requestid: ['0'] },
      {},
    ];
    const compressed = await Promise.all(blocks.map((b) => c.compress(b)));
    // zlib header with FDICT and the dictionary's adler32 (0xe3c6a7c2) on the first block only
    expect(compressed[0]![1]! & 0x20).toBe(0x20);
    expect(compressed[0]!.subarray(2, 6).toString('hex')).toBe('e3c6a7c2');
    // each block ends at a sync flush: 00 00 ff ff
    for (const b of compressed) expect(b.subarray(-4).toString('hex')).toBe('0000ffff');
    // the second block reuses the first's context: smaller than a fresh one
    expect(compressed[1]!.length).toBeLessThan(compressed[0]!.length);
    const out = [];
    for (const b of compressed) out.push(await d.decompress(b));
    expect(out).toEqual(blocks);
    c.close();
    d.close();
  });

  it('a corrupt block fails, and so does every later one', async () => {
    const d = new SpdyHeaderDecompressor();
    await expect(d.decompress(h('78bb e3c6a7c2 ffffffff'))).rejects.toThrow(SpdyProtocolError);
    await expect(d.decompress(h('00'))).rejects.toThrow(SpdyProtocolError);
    d.close();
  });
});

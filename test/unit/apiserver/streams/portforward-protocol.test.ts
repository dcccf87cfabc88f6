import { describe, expect, it } from 'vitest';
import {
  StreamPairer,
  checkStreamHeaders,
  forwardErrorMessage,
  negotiatePortForwardProtocol,
  requestIdOf,
} from '../../../../src/apiserver/streams/portforward-protocol.js';

describe('portforward.k8s.io stream headers (kubelet httpStreamReceived)', () => {
  it.each([
    [{ streamtype: ['error'], port: ['80'], requestid: ['0'] }, { streamType: 'error', port: 80 }],
    [{ streamtype: ['data'], port: ['65535'] }, { streamType: 'data', port: 65535 }],
    [{ streamtype: ['data'] }, '"port" header is required'],
    [{ streamtype: ['data'], port: ['http'] }, 'unable to parse "http" as a port'],
    [{ streamtype: ['data'], port: ['65536'] }, 'unable to parse "65536" as a port'],
    [{ streamtype: ['data'], port: ['0'] }, 'port "0" must be > 0'],
    [{ port: ['80'] }, '"streamType" header is required'],
    [{ streamtype: ['stdin'], port: ['80'] }, 'invalid stream type "stdin"'],
  ])('%j → %j', (headers, want) => {
    expect(checkStreamHeaders(headers)).toEqual(want);
  });

  it.each([
    [{ requestid: ['7'] }, 1, 'error', '7'],
    // before 1.4 there was no requestID: the data stream's id is the error stream's + 2
    [{}, 5, 'error', '5'],
    [{}, 7, 'data', '5'],
  ] as const)('request id of %j stream %d (%s) is %s', (headers, id, type, want) => {
    expect(requestIdOf(headers, id, type)).toBe(want);
  });
});

describe('StreamPairer', () => {
  it('pairs the error and the data stream of one request, in either order', () => {
    const p = new StreamPairer<string>();
    expect(p.add('e0', { streamType: 'error', port: 80 }, '0')).toEqual({ type: 'waiting', requestId: '0' });
    expect(p.add('d1', { streamType: 'data', port: 81 }, '1')).toEqual({ type: 'waiting', requestId: '1' });
    expect(p.add('d0', { streamType: 'data', port: 80 }, '0')).toEqual({ type: 'complete', pair: { requestId: '0', port: 80, data: 'd0', error: 'e0' } });
    expect(p.add('e1', { streamType: 'error', port: 81 }, '1')).toEqual({ type: 'complete', pair: { requestId: '1', port: 81, data: 'd1', error: 'e1' } });
    expect(p.size).toBe(0);
  });

  it('a second stream of one type is an error, written to the error stream', () => {
    const p = new StreamPairer<string>();
    p.add('e0', { streamType: 'error', port: 80 }, '0');
    expect(p.add('e0b', { streamType: 'error', port: 80 }, '0')).toEqual({
      type: 'error',
      requestId: '0',
      message: 'error processing stream for request 0: error stream already assigned',
    });
    expect(p.errorStreamOf('0')).toBe('e0');
    expect(p.drop('0')).toEqual(['e0']);
    expect(p.size).toBe(0);
  });
});

describe('plain SPDY upgrade negotiation (httpstream.Handshake)', () => {
  it.each([
    [['portforward.k8s.io'], { protocol: 'portforward.k8s.io' }],
    [['v2.portforward.k8s.io, portforward.k8s.io'], { protocol: 'portforward.k8s.io' }],
    [[], { error: 'unable to upgrade: X-Stream-Protocol-Version is required' }],
    [
      ['v4.channel.k8s.io'],
      { error: 'unable to upgrade: unable to negotiate protocol: client supports [v4.channel.k8s.io], server accepts [portforward.k8s.io]' },
    ],
  ])('%j', (offered, want) => {
    expect(negotiatePortForwardProtocol(offered)).toEqual(want);
  });

  it('words a failed forward as the kubelet', () => {
    expect(forwardErrorMessage(80, 'web', 'u1', 'connection refused')).toBe('error forwarding port 80 to pod web, uid u1: connection refused');
  });
});

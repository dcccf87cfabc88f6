import { describe, expect, it } from 'vitest';
import {
  decodeChannelMessage,
  decodeStatus,
  decodeTerminalSizes,
  encodeChannelMessage,
  encodeCloseMessage,
  encodeStatus,
  encodeTerminalSize,
  exitCodeStatus,
  internalErrorStatus,
  negotiateChannelProtocol,
  parseProtocolHeader,
  statusForExit,
  successStatus,
  V4_CHANNEL_PROTOCOL,
  V5_CHANNEL_PROTOCOL,
} from '../../../../src/apiserver/streams/channel-protocol.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('channel protocol negotiation', () => {
  it.each([
    [['v5.channel.k8s.io'], 'v5.channel.k8s.io'],
    // kubectl 1.32 offers v5 only; client-node offers v4 down to channel.k8s.io
    [['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], 'v4.channel.k8s.io'],
    // the client's order wins (wsstream's handshake)
    [['v4.channel.k8s.io', 'v5.channel.k8s.io'], 'v4.channel.k8s.io'],
    [['base64.channel.k8s.io', 'v3.channel.k8s.io'], undefined],
    [[], undefined],
  ])('%j → %s', (offered, want) => {
    expect(negotiateChannelProtocol(offered)).toBe(want);
  });

  it.each([
    [undefined, []],
    ['v5.channel.k8s.io', ['v5.channel.k8s.io']],
    ['v4.channel.k8s.io, v3.channel.k8s.io,channel.k8s.io', ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'channel.k8s.io']],
    [['a', 'b, c'], ['a', 'b', 'c']],
  ])('Sec-WebSocket-Protocol %j', (value, want) => {
    expect(parseProtocolHeader(value)).toEqual(want);
  });
});

describe('channel messages', () => {
  // frames as kubectl 1.32 writes them (client-go remotecommand/websocket.go stream.Write / Close)
  it.each([
    ['stdin "hi\\n"', '00' + '68690a', V5_CHANNEL_PROTOCOL, { type: 'data', stream: 0, data: 'hi\n' }],
    ['resize', '04' + hex(Buffer.from('{"Width":80,"Height":24}\n')), V5_CHANNEL_PROTOCOL, { type: 'data', stream: 4, data: '{"Width":80,"Height":24}\n' }],
    ['close stdin (v5)', 'ff00', V5_CHANNEL_PROTOCOL, { type: 'close', stream: 0 }],
    ['255 is a plain stream id in v4', 'ff00', V4_CHANNEL_PROTOCOL, { type: 'data', stream: 255, data: '\u0000' }],
    ['empty data on stdout (the readiness message)', '01', V5_CHANNEL_PROTOCOL, { type: 'data', stream: 1, data: '' }],
  ])('%s', (_name, wire, protocol, want) => {
    const m = decodeChannelMessage(Buffer.from(wire, 'hex'), protocol as typeof V5_CHANNEL_PROTOCOL);
    const got = m.type === 'data' ? { ...m, data: m.data.toString('utf8') } : m;
    expect(got).toEqual(want);
  });

  it.each([
    ['empty', ''],
    ['close without id', 'ff'],
    ['close with two ids', 'ff0001'],
  ])('drops %s', (_n, wire) => {
    expect(decodeChannelMessage(Buffer.from(wire, 'hex'), V5_CHANNEL_PROTOCOL).type).toBe('invalid');
  });

  it('encodes a stream id prefix and the close signal', () => {
    expect(hex(encodeChannelMessage(1, 'out'))).toBe('016f7574');
    expect(hex(encodeChannelMessage(2, Buffer.from([0xff, 0])))).toBe('02ff00');
    expect(hex(encodeChannelMessage(1))).toBe('01');
    expect(hex(encodeCloseMessage(1))).toBe('ff01');
  });
});

describe('terminal sizes', () => {
  it.each([
    ['{"Width":80,"Height":24}\n', [{ columns: 80, rows: 24 }]],
    ['{"Width":80,"Height":24}\n{"Width":120,"Height":40}\n', [{ columns: 80, rows: 24 }, { columns: 120, rows: 40 }]],
    ['{"Width":80}\n', []],
    ['{"Width":-1,"Height":2}', []],
    ['not json', []],
  ])('%j', (text, want) => {
    expect(decodeTerminalSizes(text)).toEqual(want);
  });
  it('encodes as remotecommand.TerminalSize', () => {
    expect(encodeTerminalSize({ columns: 100, rows: 30 }).toString()).toBe('{"Width":100,"Height":30}');
  });
});

describe('error channel status', () => {
  it('exit 0 is Success, as encoding/json writes metav1.Status', () => {
    expect(encodeStatus(successStatus()).toString()).toBe('{"metadata":{},"status":"Success"}');
    expect(statusForExit(0, ['true'])).toEqual(successStatus());
  });

  it('a non-zero exit is NonZeroExitCode with the ExitCode cause', () => {
    expect(encodeStatus(exitCodeStatus(3, ['sh', '-c', 'exit 3'])).toString()).toBe(
      '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",' +
        '"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}',
    );
  });

  it('a command that cannot run is an InternalError', () => {
    expect(encodeStatus(internalErrorStatus('container not running')).toString()).toBe(
      '{"metadata":{},"status":"Failure","message":"Internal error occurred: error executing command in container: container not running",' +
        '"reason":"InternalError","details":{"causes":[{"message":"error executing command in container: container not running"}]},"code":500}',
    );
  });

  // client-go errorDecoderV4
  it.each([
    ['{"metadata":{},"status":"Success"}', { exitCode: 0 }],
    [encodeStatus(exitCodeStatus(3, ['x'])).toString(), { exitCode: 3 }],
    [encodeStatus(exitCodeStatus(255, ['x'])).toString(), { exitCode: 255 }],
    ['{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"256"}]}}', { error: 'error stream protocol error: invalid exit code value "256"' }],
    ['{"status":"Failure","reason":"NonZeroExitCode"}', { error: 'error stream protocol error: details must be set' }],
    ['{"status":"Failure","reason":"NonZeroExitCode","details":{}}', { error: 'error stream protocol error: no ExitCode cause given' }],
    ['{"status":"Failure","message":"boom","reason":"InternalError"}', { error: 'boom' }],
    ['{"status":"Weird"}', { error: 'error stream protocol error: unknown error' }],
  ])('client reads %s', (text, want) => {
    expect(decodeStatus(text)).toEqual(want);
  });
});

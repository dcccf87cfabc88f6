// SPDY/3 header compression: one zlib stream per direction for the whole connection, primed with SPDY/3's
// dictionary, every header block ending at a sync flush (what Go's zlib Writer.Flush emits and its reader
// expects). Each direction keeps its own context, so the calls of one codec are serialized: header blocks
// must be compressed (and put on the wire) in the order the peer will inflate them.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { SpdyProtocolError, decodeHeaderBlock, encodeHeaderBlock, type SpdyHeaders } from './spdy-frames.js';

type ZlibStream = zlib.Deflate | zlib.Inflate;

/** Runs one chunk through a persistent zlib stream up to a sync flush, returning exactly its output. */
function syncFlush(z: ZlibStream, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(new SpdyProtocolError(`header block: ${e.message}`));
    z.once('error', onError);
    z.write(input);
    z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      z.off('error', onError);
      const chunks: Buffer[] = [];
      for (let c = z.read() as Buffer | null; c !== null; c = z.read() as Buffer | null) chunks.push(c);
      resolve(Buffer.concat(chunks));
    });
  });
}

class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Compresses the header blocks this side sends. */
export class SpdyHeaderCompressor {
  private readonly z = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private readonly serial = new Serial();

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.serial.run(() => syncFlush(this.z, encodeHeaderBlock(headers)));
  }

  close(): void {
    this.z.close();
  }
}

/** Inflates the header blocks the peer sends; a corrupt block is a SpdyProtocolError (end the connection). */
export class SpdyHeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private readonly serial = new Serial();
  private broken: Error | undefined;

  constructor() {
    this.z.on('error', (e) => (this.broken ??= e));
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    return this.serial.run(async () => {
      if (this.broken) throw new SpdyProtocolError(`header block: ${this.broken.message}`);
      if (block.length === 0) throw new SpdyProtocolError('empty header block');
      return decodeHeaderBlock(await syncFlush(this.z, block));
    });
  }

  close(): void {
    this.z.close();
  }
}

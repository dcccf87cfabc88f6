// Random ids through the Web Crypto global: unlike `import 'node:crypto'` it costs nothing until first use,
// which keeps read-only CLI verbs fast.
import type { webcrypto } from 'node:crypto';

const webCrypto = (): webcrypto.Crypto => (globalThis as unknown as { crypto: webcrypto.Crypto }).crypto;

export const randomUUID = (): string => webCrypto().randomUUID();

export function randomHex(bytes: number): string {
  const b = webCrypto().getRandomValues(new Uint8Array(bytes));
  return Array.from(b, (x: number) => x.toString(16).padStart(2, '0')).join('');
}

/** Uniform integer in [0, max) (rejection sampling, no modulo bias). */
export function randomInt(max: number): number {
  const limit = Math.floor(0x1_0000_0000 / max) * max;
  const buf = new Uint32Array(1);
  for (;;) {
    webCrypto().getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % max;
  }
}

import { describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { PAUSE_IMAGE, PAUSE_IMAGE_CHANGES, pauseElf, pauseRootfsTar, pauseSupported } from '../../../src/runtime/docker/pause-image.js';

const elf = pauseElf();
const u64 = (off: number) => Number(elf.readBigUInt64LE(off));

describe('pause program', () => {
  it('is a small static ELF64 x86_64 executable whose single segment covers the file', () => {
    expect(elf.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(elf[4]).toBe(2); // 64-bit
    expect(elf[5]).toBe(1); // little endian
    expect(elf.readUInt16LE(16)).toBe(2); // ET_EXEC
    expect(elf.readUInt16LE(18)).toBe(0x3e); // x86-64
    expect(elf.readUInt16LE(56)).toBe(1); // one program header
    const ph = u64(32);
    expect(elf.readUInt32LE(ph)).toBe(1); // PT_LOAD
    expect(elf.readUInt32LE(ph + 4)).toBe(5); // R+X
    const vaddr = u64(ph + 16);
    expect(u64(ph + 32)).toBe(elf.length); // filesz
    const entry = u64(24);
    expect(entry - vaddr).toBe(64 + 56); // code right after the headers
    expect(elf.length).toBeLessThan(512);
  });

  it('installs handlers for SIGTERM and SIGINT, loops on pause(2) and exits 0 with exit_group', () => {
    const hex = elf.toString('hex');
    expect(hex).toContain('bf0f000000'); // mov edi, 15 (SIGTERM)
    expect(hex).toContain('bf02000000'); // mov edi, 2 (SIGINT)
    expect(hex.match(/b80d0000000f05/g)).toHaveLength(2); // rt_sigaction syscall, twice
    expect(hex).toContain('b8220000000f05ebf7'); // pause; jmp back to it
    expect(hex).toContain('b8e700000031ff0f05'); // exit_group(0)
    // struct sigaction: handler, SA_RESTORER, restorer = handler, empty mask
    const act = elf.length - 32;
    const handler = u64(act);
    expect(u64(act + 8)).toBe(0x04000000);
    expect(u64(act + 16)).toBe(handler);
    expect(u64(act + 24)).toBe(0);
    const off = handler - 0x400000;
    expect(elf.subarray(off, off + 5).toString('hex')).toBe('b8e7000000');
  });

  it('is deterministic', () => {
    expect(pauseElf()).toEqual(elf);
  });
});

describe('pause image', () => {
  it('packs the program as the only file of the rootfs, /pause, mode 0755, owned by root', async () => {
    const extract = tar.extract();
    const entries: { name: string; mode: number; uid: number; size: number; data: Buffer }[] = [];
    extract.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        entries.push({ name: h.name, mode: h.mode ?? 0, uid: h.uid ?? -1, size: h.size ?? 0, data: Buffer.concat(chunks) });
        next();
      });
    });
    const done = new Promise<void>((r) => extract.on('finish', () => r()));
    (await pauseRootfsTar()).pipe(extract);
    await done;
    expect(entries).toEqual([{ name: 'pause', mode: 0o755, uid: 0, size: elf.length, data: elf }]);
  });

  it('is named and configured for docker import', () => {
    expect(PAUSE_IMAGE).toBe('kctl.io/pause:1');
    expect(PAUSE_IMAGE_CHANGES).toContain('CMD ["/pause"]');
  });

  it.each([
    ['x86_64', true],
    ['amd64', true],
    ['aarch64', false],
    ['arm64', false],
  ])('supports %s: %s', (arch, ok) => {
    expect(pauseSupported(arch)).toBe(ok);
  });
});

// The pod sandbox image, made locally so that pods need no registry.
//
// A pod's containers share one network namespace; like the kubelet, kctl holds that namespace with a
// "pause" container that does nothing. Upstream pulls registry.k8s.io/pause; kctl has no registry, so it
// generates the program here: a hand-assembled static x86_64 ELF (~250 bytes) that
//   1. installs a handler for SIGTERM and SIGINT (rt_sigaction, SA_RESTORER as x86_64 requires),
//   2. loops on pause(2),
//   3. exits 0 (exit_group) when the handler runs.
// As PID 1 of its container it would otherwise ignore SIGTERM, so the handler is what lets `stop` end the
// sandbox at once with exit code 0 instead of waiting for the grace period and SIGKILL.
// The rootfs holds that one file (/pause); docker-runtime.ts imports it as PAUSE_IMAGE with CMD ["/pause"].
import type { Readable } from 'node:stream';

/** The image reference kctl builds on first use. Bump the tag when the program changes. */
export const PAUSE_IMAGE = 'kctl.io/pause:1';
/** Dockerfile instructions applied at import (`docker import --change`). */
export const PAUSE_IMAGE_CHANGES: readonly string[] = [
  'CMD ["/pause"]',
  'LABEL kctl.io/managed-by=kctl',
];
/** Architectures (as `uname -m` / docker info Architecture say them) the generated program runs on. */
export const PAUSE_ARCHITECTURES: readonly string[] = ['x86_64', 'amd64'];

const BASE = 0x400000n; // load address
const EHDR = 64;
const PHDR = 56;

const SIGINT = 2;
const SIGTERM = 15;
const SA_RESTORER = 0x04000000n;
const SYS_RT_SIGACTION = 13;
const SYS_PAUSE = 34;
const SYS_EXIT_GROUP = 231;

const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const u64 = (n: bigint): number[] => {
  const out: number[] = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((n >> (8n * i)) & 0xffn));
  return out;
};

/** The pause program as a complete static ELF64 executable for x86_64 Linux. */
export function pauseElf(): Buffer {
  const codeStart = EHDR + PHDR; // code follows the single program header
  const code: number[] = [];
  const fixups: { at: number; target: 'act' }[] = [];

  // rt_sigaction(sig, &act, NULL, 8)
  const installHandler = (sig: number): void => {
    code.push(0xbf, ...u32(sig)); //               mov edi, sig
    code.push(0x48, 0x8d, 0x35); //                lea rsi, [rip + act]
    fixups.push({ at: code.length, target: 'act' });
    code.push(0, 0, 0, 0);
    code.push(0x31, 0xd2); //                      xor edx, edx
    code.push(0x41, 0xba, ...u32(8)); //           mov r10d, 8 (sizeof sigset_t)
    code.push(0xb8, ...u32(SYS_RT_SIGACTION)); //  mov eax, 13
    code.push(0x0f, 0x05); //                      syscall
  };
  installHandler(SIGTERM);
  installHandler(SIGINT);

  const loop = code.length;
  code.push(0xb8, ...u32(SYS_PAUSE)); //           mov eax, 34
  code.push(0x0f, 0x05); //                        syscall
  code.push(0xeb, (loop - (code.length + 2)) & 0xff); // jmp loop (rel8)

  const handler = code.length;
  code.push(0xb8, ...u32(SYS_EXIT_GROUP)); //      mov eax, 231
  code.push(0x31, 0xff); //                        xor edi, edi
  code.push(0x0f, 0x05); //                        syscall

  while ((codeStart + code.length) % 8 !== 0) code.push(0x90); // align the struct (nop padding)
  const act = code.length;
  const handlerAddr = BASE + BigInt(codeStart + handler);
  // struct kernel_sigaction { handler; flags; restorer; mask } — the handler never returns, so the
  // restorer (mandatory on x86_64) may point at the handler itself.
  code.push(...u64(handlerAddr), ...u64(SA_RESTORER), ...u64(handlerAddr), ...u64(0n));

  for (const f of fixups) {
    const rel = act - (f.at + 4); // rip-relative: from the end of the 4-byte displacement
    code.splice(f.at, 4, ...u32(rel));
  }

  const total = codeStart + code.length;
  const ehdr = [
    0x7f, 0x45, 0x4c, 0x46, // \x7fELF
    2, // ELFCLASS64
    1, // little endian
    1, // EV_CURRENT
    0, // System V ABI
    0, 0, 0, 0, 0, 0, 0, 0, // padding
    ...u16(2), // ET_EXEC
    ...u16(0x3e), // EM_X86_64
    ...u32(1), // e_version
    ...u64(BASE + BigInt(codeStart)), // e_entry
    ...u64(BigInt(EHDR)), // e_phoff
    ...u64(0n), // e_shoff
    ...u32(0), // e_flags
    ...u16(EHDR),
    ...u16(PHDR),
    ...u16(1), // e_phnum
    ...u16(0), // e_shentsize
    ...u16(0), // e_shnum
    ...u16(0), // e_shstrndx
  ];
  const phdr = [
    ...u32(1), // PT_LOAD
    ...u32(5), // PF_R | PF_X
    ...u64(0n), // p_offset
    ...u64(BASE), // p_vaddr
    ...u64(BASE), // p_paddr
    ...u64(BigInt(total)), // p_filesz
    ...u64(BigInt(total)), // p_memsz
    ...u64(0x1000n), // p_align
  ];
  return Buffer.from([...ehdr, ...phdr, ...code]);
}

/** True when the engine's architecture can run the generated program. */
export function pauseSupported(architecture: string): boolean {
  return PAUSE_ARCHITECTURES.includes(architecture);
}

/** The rootfs of the pause image as a tar stream: one file, /pause, mode 0755, owned by root.
 *  (tar-stream is loaded here, on first use, not at start-up.) */
export async function pauseRootfsTar(): Promise<Readable> {
  const tar = (await import('tar-stream')).default;
  const pack = tar.pack();
  pack.entry({ name: 'pause', mode: 0o755, uid: 0, gid: 0, mtime: new Date(0) }, pauseElf());
  pack.finalize();
  return pack as unknown as Readable;
}

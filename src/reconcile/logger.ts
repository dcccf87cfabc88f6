// The Logger port every loop writes to, and the controller process's LineLogger: one line per action,
// `<RFC 3339 ms> <I|W|E|D> <message>`, written to a stream (stderr in the foreground; $KCTL_HOME/controller.log
// when started in the background). Debug lines only with -v.
import type { Clock } from '../util/clock.js';

/**
 * Where controllers write their log lines (the controller process prints them to stderr with a timestamp).
 * info: one line per action taken; debug: only with -v; never put secret values in a line.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
}

/** A Logger that drops everything (the default in tests). */
export const NOP_LOGGER: Logger = Object.freeze({ info() {}, warn() {}, error() {}, debug() {} });

export interface LineLoggerOptions {
  write: (line: string) => void;
  clock: Clock;
  /** 0: info, warnings and errors; ≥ 1: debug lines too */
  verbosity?: number;
}

export class LineLogger implements Logger {
  private readonly o: LineLoggerOptions;
  constructor(opts: LineLoggerOptions) {
    this.o = opts;
  }
  private line(level: string, msg: string): void {
    // one line per entry, whatever the message holds
    this.o.write(`${this.o.clock.now().toISOString()} ${level} ${msg.replace(/\r?\n/g, ' ')}\n`);
  }
  info(msg: string): void {
    this.line('I', msg);
  }
  warn(msg: string): void {
    this.line('W', msg);
  }
  error(msg: string): void {
    this.line('E', msg);
  }
  debug(msg: string): void {
    if ((this.o.verbosity ?? 0) > 0) this.line('D', msg);
  }
}

// Time is a dependency: controllers and printers take a Clock so tests can drive it.
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  setTimer(ms: number, fn: () => void): Timer;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
  setTimer(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

export class FakeClock implements Clock {
  private t: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  setTimer(ms: number, fn: () => void): Timer {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return { cancel: () => (this.timers = this.timers.filter((x) => x.id !== id)) };
  }
  /** Moves time forward and fires the timers that came due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }
}

/** Waits ms on the clock; resolves early (never rejects) when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = clock.setTimer(ms, done);
    function done(): void {
      t.cancel();
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

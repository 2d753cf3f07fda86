/** The signals that ask a run to stop: Ctrl-C in a terminal (SIGINT), and `kill` (SIGTERM). */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * The status a process ended by the signal reports: 128 + its number (SIGINT is 2, SIGTERM 15).
 * https://www.gnu.org/software/bash/manual/html_node/Exit-Status.html ("128+N")
 */
const EXIT_STATUS: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** A run was interrupted (see InterruptWatch.check): it cleans up what it started and ends with `status`. */
export class Interrupted extends Error {
  constructor(readonly signal: InterruptSignal) {
    super(`interrupted by ${signal}`);
  }

  get status(): number {
    return EXIT_STATUS[this.signal];
  }
}

/**
 * While a run has something on disk to clean up (the staging folder of `convert -o`), an interrupt does
 * not end the process at once: it is recorded, and the run calls `check` between two rules, which throws
 * Interrupted so the run removes what it staged and ends. See CliIo.watchInterrupts.
 */
export interface InterruptWatch {
  /** Throws Interrupted once an interrupt came. */
  check(): void;
  /** Stops watching: an interrupt ends the process at once again. Safe to call twice. */
  stop(): void;
}

/**
 * Watches the process's SIGINT and SIGTERM. The first interrupt stops the watch, so a second one ends
 * the process at once, as usual (Node restores a signal's default action when its last listener goes:
 * https://nodejs.org/api/process.html#signal-events).
 */
export function watchProcessSignals(): InterruptWatch {
  let received: InterruptSignal | null = null;
  const listeners = SIGNALS.map((signal) => {
    const listener = (): void => {
      received ??= signal;
      stop();
    };
    process.on(signal, listener);
    return { signal, listener };
  });
  const stop = (): void => {
    for (const { signal, listener } of listeners) process.removeListener(signal, listener);
  };
  return {
    check() {
      if (received !== null) throw new Interrupted(received);
    },
    stop,
  };
}

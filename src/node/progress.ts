import { SingleBar } from 'cli-progress';
import type { ProgressContext } from '../core/util/progress.js';

/** A progress bar on stderr when it is a terminal (nothing in pipes or CI logs). */
export function terminalProgress(title: string): { ctx: ProgressContext; stop(): void } {
  if (!process.stderr.isTTY) return { ctx: {}, stop: () => undefined };
  const bar = new SingleBar(
    {
      format: `${title} [{bar}] {percentage}% {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    undefined,
  );
  let started = false;
  const startAt = Date.now();
  return {
    ctx: {
      report(fraction, label) {
        // Only draw for work that takes over a second.
        if (!started && Date.now() - startAt < 1000 && fraction < 1) return;
        if (!started) {
          bar.start(100, 0, { label });
          started = true;
        }
        bar.update(Math.round(fraction * 100), { label });
      },
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

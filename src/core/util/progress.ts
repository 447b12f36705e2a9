/**
 * Long analyses report progress and can be cancelled: the CLI draws a bar, the browser stays
 * responsive. Fractions are of the whole job, 0…1.
 */
export interface ProgressContext {
  report?(fraction: number, label: string): void;
  signal?: AbortSignal;
}

/**
 * A part of a job as its own job: its fractions 0…1 land in [at, at + span] of the whole, its labels prefixed with
 * `what` when given (the cancel signal passes through).
 */
export function subProgress(
  p: ProgressContext | undefined,
  at: number,
  span: number,
  what?: string,
): ProgressContext | undefined {
  return p && { ...p, report: (f: number, l: string) => p.report?.(at + span * f, what ? `${what}: ${l}` : l) };
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Splits a job into weighted steps; each step reports its own progress in 0…1. */
export class ProgressSteps {
  private done = 0;
  private readonly total: number;

  constructor(
    private readonly ctx: ProgressContext | undefined,
    weights: number[],
  ) {
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  step(weight: number, label: string): void {
    if (this.ctx?.signal?.aborted) throw new CancelledError();
    this.ctx?.report?.(this.done / this.total, label);
    this.done += weight;
  }

  finish(label = 'done'): void {
    this.ctx?.report?.(1, label);
  }
}

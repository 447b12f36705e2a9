import { checkText } from '../../core/util/finite.js';

/**
 * The terminal as a writer like the others: what a command prints on stdout is checked for NaN, Infinity or
 * undefined where a number belongs, and such a line becomes an internal error (a bug in an analysis) instead
 * of a result a user might believe. Stderr is left alone: its messages quote the user's own bad values
 * ("found NaN").
 */
export function checkStdout(): void {
  const write = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string') checkText('the terminal', chunk);
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}

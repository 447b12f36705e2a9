import { InvalidArgumentError } from 'commander';
import { InputError } from '../files.js';

/** Parser for options that take a positive number (Å, kDa …): a clear message otherwise. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${flag} takes a positive number, got "${value}"`);
    return v;
  };
}

/** "FROM:TO" of two positive numbers (a defocus or resolution range), for use inside an action. */
export function parseRange(text: string, flag: string): [number, number] {
  const m = /^\s*([\d.eE+]+)\s*:\s*([\d.eE+]+)\s*$/.exec(text);
  const a = m ? Number(m[1]) : NaN, b = m ? Number(m[2]) : NaN;
  if (!(a > 0 && b > 0)) throw new InputError(`${flag} takes two positive numbers as FROM:TO, got "${text}"`);
  return [a, b];
}

/** An amplitude-contrast fraction, 0 ≤ w < 1. */
export function checkAmplitudeContrast(w: number): void {
  if (!(w >= 0 && w < 1)) throw new InputError(`--amplitude-contrast is a fraction in [0, 1) (typically 0.07–0.1), got ${w}`);
}

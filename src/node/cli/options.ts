import { InvalidArgumentError } from 'commander';

/** Parser for options that take a positive number (Å, kDa …): a clear message otherwise. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${flag} takes a positive number, got "${value}"`);
    return v;
  };
}

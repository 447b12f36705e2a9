/** Median wall time in seconds of `repeat` calls of f, after `warmup` untimed ones. */
export function median(f: () => void, repeat = 3, warmup = 0): number {
  for (let i = 0; i < warmup; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    f();
    ts.push((performance.now() - t) / 1000);
  }
  return ts.sort((a, b) => a - b)[repeat >> 1]!;
}

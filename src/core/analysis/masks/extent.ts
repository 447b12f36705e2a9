/**
 * A particle's longest dimension from its mask: the largest extent of the voxels at or above `level` along 13
 * directions (the axes, the face and the body diagonals). A RELION mask is the particle grown by its extension
 * (a few voxels) before the soft edge, so this is an upper bound by about twice that extension.
 */
const DIRECTIONS: [number, number, number][] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1, 1, 0],
  [1, -1, 0],
  [1, 0, 1],
  [1, 0, -1],
  [0, 1, 1],
  [0, 1, -1],
  [1, 1, 1],
  [1, 1, -1],
  [1, -1, 1],
  [-1, 1, 1],
];

export function longestDimensionA(mask: Float32Array, n: number, pixelSizeA: number, level = 0.99): number | null {
  const lo = new Float64Array(DIRECTIONS.length).fill(Infinity);
  const hi = new Float64Array(DIRECTIONS.length).fill(-Infinity);
  const unit = DIRECTIONS.map(([a, b, c]) => {
    const l = Math.hypot(a, b, c);
    return [a / l, b / l, c / l] as const;
  });
  let any = false;
  for (let z = 0, i = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++, i++) {
        if (mask[i]! < level) continue;
        any = true;
        for (let d = 0; d < unit.length; d++) {
          const [a, b, c] = unit[d]!;
          const p = a * x + b * y + c * z;
          if (p < lo[d]!) lo[d] = p;
          if (p > hi[d]!) hi[d] = p;
        }
      }
  if (!any) return null;
  let longest = 0;
  for (let d = 0; d < unit.length; d++) longest = Math.max(longest, hi[d]! - lo[d]! + 1);
  return longest * pixelSizeA;
}

/** The stem of a file name: directory and extension dropped. */
export function stemOf(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.(star|xml|txt|csv|aln|tlt|rawtlt|xf|log|mdoc)$/i, '');
}

/** A series name from a file name: the stem without the suffix a program adds (`_CTF`, `_TLT`, `.aln` …). */
export function seriesFromFile(path: string): string {
  return stemOf(path).replace(/(_CTF|_TLT|_ctf|_tlt|\.mrc|\.st|\.mrc\.mdoc)$/i, '');
}

export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * The tilt angle a tilt image's name carries, as SerialEM, RELION 5 and Warp name them: "TS_01_039_-60.0.mrc",
 * "TS_01_039_-60_0.mrc" (RELION 5 replaces the dot), "…_00041_-40.0_Jul31_11.05.12.tif"; null when none.
 */
export function tiltFromImageName(name: string): number | null {
  const stem = (name.split(/[\\/]/).pop() ?? name).replace(/(:mrc)?$/i, '').replace(/\.(mrc|mrcs|tif|tiff|eer)$/i, '');
  const tokens = stem.split('_');
  for (let i = tokens.length - 1; i >= 1; i--) {
    const t = tokens[i]!;
    if (/^[+-]?\d{1,2}\.\d{1,2}$/.test(t)) return Number(t);
    if (/^[+-]?\d{1,2}$/.test(tokens[i - 1]!) && /^\d{1,2}$/.test(t) && /^\d{2,}$/.test(tokens[i - 2] ?? ''))
      return Number(`${tokens[i - 1]}.${t}`);
    if (/^\[?[+-]?\d{1,2}(\.\d+)?\]$/.test(t)) return Number(t.replace(/[[\]]/g, ''));
  }
  return null;
}

/**
 * Tilt angles from a series' image names, when the names carry them convincingly: ≥ 8 images, ≥ 80 % of names with
 * an angle (|angle| ≤ 80°), ≥ 20 % on each side of 0° and a span of ≥ 40°; null otherwise (single-particle names).
 */
export function tiltsFromImageNames(names: string[]): (number | null)[] | null {
  const angles = names.map(tiltFromImageName).map((a) => (a !== null && Math.abs(a) <= 80 ? a : null));
  const known = angles.filter((a): a is number => a !== null);
  const neg = known.filter((a) => a < -1).length,
    pos = known.filter((a) => a > 1).length;
  if (
    names.length < 8 ||
    known.length < 0.8 * names.length ||
    neg < 0.2 * known.length ||
    pos < 0.2 * known.length ||
    Math.max(...known) - Math.min(...known) < 40
  )
    return null;
  return angles;
}

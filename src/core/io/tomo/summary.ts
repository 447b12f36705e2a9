import type { TiltSource } from '../../model/tomo.js';

/** What `cryodx info` says about one tilt series a file describes. */
export interface TiltSeriesSummary {
  name?: string;
  program: string;
  tilts: number;
  tiltRangeDeg?: [number, number];
  axisDeg?: number;
  dosePerTiltEPerA2?: number;
  defocusUA?: [number, number];
  fitResolutionA?: [number, number];
  thicknessA?: number;
  ctfResolutionA?: number;
  /** Fields that held a program's "not computed" placeholder, read as absent. */
  placeholders: string[];
}

function range(v: number[]): [number, number] | undefined {
  return v.length ? [Math.min(...v), Math.max(...v)] : undefined;
}

const PROGRAM: Record<TiltSource['kind'], string> = {
  'relion5-tilt-star': 'RELION 5 tilt-series STAR',
  'relion-tomograms-star': 'RELION 4 / WarpTools tomograms.star (projection matrices)',
  'relion-ctf-star': 'RELION per-tilt CTF STAR',
  'relion-motion-star': 'RELION per-tilt motion STAR',
  'warp-xml': 'Warp / M tilt-series XML',
  'aretomo-ctf': 'AreTomo3 per-tilt CTF (_CTF.txt)',
  ctffind: 'CTFFIND per-tilt CTF',
  'aretomo-aln': 'AreTomo alignment (.aln)',
  'aretomo-tlt': 'AreTomo3 tilt angles (_TLT.txt)',
  'aretomo-metrics': 'AreTomo3 TiltSeries_Metrics.csv',
  'imod-tlt': 'IMOD tilt angles (.tlt)',
  'imod-xf': 'IMOD transforms (.xf)',
  'imod-align-log': 'IMOD tiltalign solution',
  mdoc: 'SerialEM .mdoc',
};

export function summarizeTiltSource(s: TiltSource): TiltSeriesSummary {
  const out: TiltSeriesSummary = { program: PROGRAM[s.kind], tilts: s.tilts.length, placeholders: s.placeholders };
  if (s.series !== undefined) out.name = s.series;
  const tilts = range(s.tilts.flatMap((t) => (t.tiltDeg !== undefined ? [t.tiltDeg] : [])));
  if (tilts) out.tiltRangeDeg = tilts;
  if (s.axisDeg !== undefined) out.axisDeg = s.axisDeg;
  const own = s.tilts.flatMap((t) => (t.doseEPerA2 !== undefined ? [t.doseEPerA2] : []));
  const pre = s.tilts
    .flatMap((t) => (t.preExposureEPerA2 !== undefined ? [t.preExposureEPerA2] : []))
    .sort((a, b) => a - b);
  const steps = pre
    .slice(1)
    .map((v, i) => v - pre[i]!)
    .filter((x) => x > 1e-6)
    .sort((a, b) => a - b);
  if (own.length) out.dosePerTiltEPerA2 = [...own].sort((a, b) => a - b)[own.length >> 1]!;
  else if (steps.length) out.dosePerTiltEPerA2 = steps[steps.length >> 1]!;
  const df = range(
    s.tilts.flatMap((t) => (t.defocusUA !== undefined ? [(t.defocusUA + (t.defocusVA ?? t.defocusUA)) / 2] : [])),
  );
  if (df) out.defocusUA = df;
  const res = range(s.tilts.flatMap((t) => (t.fitResolutionA !== undefined ? [t.fitResolutionA] : [])));
  if (res) out.fitResolutionA = res;
  if (s.thicknessA !== undefined) out.thicknessA = s.thicknessA;
  if (s.ctfResolutionA !== undefined) out.ctfResolutionA = s.ctfResolutionA;
  return out;
}

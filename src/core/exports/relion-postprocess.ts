import { finiteOut } from '../util/finite.js';
import type { FscResult } from '../analysis/fsc/suite.js';
import type { PostprocessResult } from '../analysis/postprocess/postprocess.js';
import type { StarTableOut } from '../io/star/write.js';
import { RLN } from '../io/star/labels.js';

export interface PostprocessGeneral {
  half1: string;
  half2: string;
  maskName: string | null;
  bfactorA2?: number | null;
  guinier?: { slope: number; intercept: number; r2: number } | null;
}

/**
 * RELION postprocess.star `data_general` and `data_fsc` blocks with RELION 3.1's column names, so
 * scripts written for RELION read cryodx's output. Shell 0 is written as 999 Å like RELION.
 */
export function fscStarTables(r: FscResult, g: PostprocessGeneral): StarTableOut[] {
  const pairs: [string, string | number][] = [[RLN.finalResolution, r.resolutionA ?? 999]];
  if (g.bfactorA2 !== undefined && g.bfactorA2 !== null) pairs.push([RLN.bfactorUsedForSharpening, g.bfactorA2]);
  pairs.push([RLN.unfilteredMapHalf1, g.half1], [RLN.unfilteredMapHalf2, g.half2]);
  if (r.particleCurve?.method === 'relion-mask-fraction')
    pairs.push([RLN.particleBoxFractionSolventMask, 1 / r.particleCurve.particleVolumeFraction]);
  if (g.maskName) pairs.push([RLN.maskName, g.maskName]);
  if (r.randomizeFromA !== null) pairs.push([RLN.randomiseFrom, r.randomizeFromA]);
  if (g.guinier)
    pairs.push(
      [RLN.fittedSlopeGuinierPlot, g.guinier.slope],
      [RLN.fittedInterceptGuinierPlot, g.guinier.intercept],
      [RLN.correlationFitGuinierPlot, g.guinier.r2],
    );
  const s = r.shells;
  const res = s.map((x) => x.resolutionA ?? 999);
  const main = s.map((x) => x.fscCorrected ?? x.fscUnmasked);
  const columns: string[] = [
    RLN.spectralIndex,
    RLN.resolution,
    RLN.angstromResolution,
    RLN.fourierShellCorrelationCorrected,
  ];
  const values: (number[] | Float64Array)[] = [s.map((x) => x.shell), res.map((a) => 1 / a), res, main];
  const optional: [string, (x: FscResult['shells'][number]) => number | null][] = [
    [
      r.particleCurve?.method === 'cistem-mw'
        ? RLN.fourierShellCorrelationParticleMolWeight
        : RLN.fourierShellCorrelationParticleMaskFraction,
      (x) => x.fscParticle,
    ],
    [RLN.fourierShellCorrelationUnmaskedMaps, (x) => x.fscUnmasked],
    [RLN.fourierShellCorrelationMaskedMaps, (x) => x.fscMasked],
    [RLN.correctedFourierShellCorrelationPhaseRandomizedMaskedMaps, (x) => x.fscPhaseRandomized],
  ];
  for (const [name, get] of optional) {
    if (s.every((x) => get(x) === null)) continue;
    columns.push(name);
    values.push(s.map((x) => get(x) ?? NaN));
  }
  return [
    { name: 'general', pairs },
    { name: 'fsc', loop: { columns, values } },
  ];
}

/** postprocess.star as relion_postprocess writes it: data_general, data_fsc and data_guinier. */
export function postprocessStarTables(
  r: PostprocessResult,
  g: Omit<PostprocessGeneral, 'bfactorA2' | 'guinier'>,
): StarTableOut[] {
  const tables = fscStarTables(
    { ...r.fsc, shells: r.shells, warnings: [] },
    { ...g, bfactorA2: r.bfactorA2, guinier: r.guinier },
  );
  // Guinier rows stop at Nyquist, as RELION's.
  const pxf = Math.fround(r.pixelSizeA);
  const rows = r.guinierShells.filter((s) => s.shell === 0 || (r.boxSize * pxf) / s.shell >= 2 * pxf);
  const columns: string[] = [RLN.resolutionSquared, RLN.logAmplitudesOriginal];
  const values: number[][] = [rows.map((s) => s.invResolutionSquaredInvA2), rows.map((s) => s.lnAmplitudeOriginal)];
  if (rows.some((s) => s.lnAmplitudeMtfCorrected !== null)) {
    columns.push(RLN.logAmplitudesMTFCorrected);
    values.push(rows.map((s) => s.lnAmplitudeMtfCorrected ?? -99));
  }
  columns.push(RLN.logAmplitudesWeighted);
  values.push(rows.map((s) => s.lnAmplitudeWeighted));
  if (r.bfactorFrom !== 'none') {
    columns.push(RLN.logAmplitudesSharpened);
    values.push(rows.map((s) => s.lnAmplitudeSharpened));
  }
  if (r.guinier) {
    columns.push(RLN.logAmplitudesIntercept);
    values.push(rows.map(() => r.guinier!.intercept));
  }
  return [...tables, { name: 'guinier', loop: { columns, values } }];
}

/** EMDB's FSC XML (as relion_postprocess writes it): x in 1/Å, y the FSC that gives the resolution. */
export function emdbFscXml(r: FscResult, title: string): string {
  const lines = [`<fsc title="${escapeXml(title)}" xaxis="Resolution (A-1)" yaxis="Correlation Coefficient">`];
  for (const s of r.shells) {
    const x = s.shell === 0 ? 1 / 999 : s.spatialFrequencyInvA;
    const y = s.fscCorrected ?? s.fscUnmasked;
    lines.push(
      '  <coordinate>',
      `    <x>${Number(finiteOut('FSC XML', `shell ${s.shell} x`, x).toPrecision(6))}</x>`,
      `    <y>${Number(finiteOut('FSC XML', `shell ${s.shell} y`, y).toPrecision(6))}</y>`,
      '  </coordinate>',
    );
  }
  lines.push('</fsc>', '');
  return lines.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

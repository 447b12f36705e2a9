import { fitCtf, type CtfFit } from '../../analysis/ctf/fit.js';
import { tiledAmplitudeSpectrum } from '../../analysis/ctf/periodogram.js';
import { InputError, type Warning } from '../../errors.js';
import type { Codec } from '../../io/compression.js';
import { formatCtffind } from '../../io/ctffind.js';
import { readMrc } from '../../io/mrc/read.js';
import { writeMrc } from '../../io/mrc/write.js';
import type { CtfEstimate } from '../../model/ctf.js';
import { wavelengthA } from '../../model/ctf-physics.js';
import { resolvePixelSize, statedByMap } from '../../model/pixel-size.js';
import { createVolume } from '../../model/volume.js';
import { ctfFitChart } from '../../report/figures/charts.js';
import { lineChartSvg } from '../../report/figures/line-svg.js';
import { imagePng } from '../../report/png.js';
import { pearsonFromSums, valueRange } from '../../util/stats.js';
import { ctfTables, outputStems, type CtfRow, type MicrographFitOptions } from './ctf-run.js';
import type { JobOutput, JobResult, NamedBytes } from '../job.js';

export interface MicrographFit {
  estimate: CtfEstimate;
  fit: CtfFit;
  pixelSizeA: number;
  warnings: Warning[];
}

/** One micrograph (or a movie, whose frames are summed): checks, spectrum, fit, and what to warn about. */
export function fitMicrograph(file: NamedBytes, o: MicrographFitOptions, compute?: { simd?: boolean }): MicrographFit {
  const simd = compute?.simd ?? true;
  const path = file.name;
  const f = readMrc(file.bytes, { source: path });
  const v = f.volume;
  const warnings: Warning[] = [...f.warnings];
  if (f.kind === 'volume' || f.kind === 'volume-stack')
    throw new InputError(`${path}: is a 3D map (${v.nx}×${v.ny}×${v.nz}), expected a micrograph`);
  const px = resolvePixelSize([statedByMap(path, 'micrograph', v, 2)], { valueA: o.pixelSizeA, flag: '--angpix' });
  const pixelSizeA = px.pixelSizeA;
  warnings.push(...px.warnings);
  let image: Float32Array = v.data;
  if (v.nz > 1) {
    image = new Float32Array(v.nx * v.ny);
    for (let z = 0; z < v.nz; z++) for (let i = 0; i < image.length; i++) image[i]! += v.data[z * image.length + i]!;
    warnings.push({
      code: 'movie-summed',
      message: `${path}: ${v.nz} frames summed without alignment; fit the motion-corrected sum for the best result`,
    });
  }
  // The reader has counted NaN and ±∞ (a frame's carry into the movie's sum).
  if (f.nonFiniteValues)
    throw new InputError(
      `${path}: ${f.nonFiniteValues} values are NaN or infinite; the micrograph is damaged — re-run motion correction`,
    );
  const [lo, hi] = valueRange(image);
  if (!(hi > lo)) {
    throw new InputError(
      `${path}: every pixel is ${lo}: the micrograph is blank (a failed or truncated motion correction?)`,
    );
  }
  const ps = lo < 0 ? 0 : powerSpectrumLikeness(image, v.nx, v.ny);
  if (ps > POWER_SPECTRUM_SYMMETRY) {
    throw new InputError(
      `${path}: this is a power spectrum, not a micrograph (non-negative and point-symmetric about its centre: ` +
        `correlation ${ps.toFixed(2)} with itself turned by 180°, where a micrograph has ~0); give the ` +
        'motion-corrected micrograph it was computed from (RELION writes both: the _PS.mrc is the spectrum)',
    );
  }
  const spec = named(path, () => tiledAmplitudeSpectrum(image, v.nx, v.ny, pixelSizeA, o.boxPx, simd));
  if (spec.box < o.boxPx)
    warnings.push({
      code: 'box-reduced',
      message: `${path}: ${v.nx}×${v.ny} px is smaller than the ${o.boxPx}-px box; fitted with ${spec.box} px`,
    });
  // A coarse pixel (a binned stack, particle images) puts the default fit limit past Nyquist: fit to just
  // inside Nyquist instead of stopping, and say so.
  const nyquistA = 2 * pixelSizeA;
  let fitOptions: MicrographFitOptions = o;
  if (o.fitHighResolutionA < 1.05 * nyquistA) {
    const high = 1.05 * nyquistA;
    if (!(high < o.fitLowResolutionA)) {
      throw new InputError(
        `${path}: at ${pixelSizeA} Å/px Nyquist (${nyquistA.toFixed(1)} Å) leaves no fit range below ` +
          `${o.fitLowResolutionA} Å; give --fit-range-a with a coarser low limit`,
      );
    }
    warnings.push({
      code: 'fit-limit-clamped',
      message:
        `${path}: the fit's high-resolution limit ${o.fitHighResolutionA} Å lies beyond Nyquist ` +
        `(${nyquistA.toFixed(2)} Å at ${pixelSizeA} Å/px): fitted to ${high.toFixed(2)} Å`,
    });
    fitOptions = { ...o, fitHighResolutionA: high };
  }
  const fit = named(path, () => fitCtf(spec, fitOptions, simd));
  if (fit.thicknessA !== null) {
    // The first node of sinc(π·λ·k²·t) must lie inside the fitted range for t to be determined.
    const nodeA = Math.sqrt(wavelengthA(o.voltageKv) * fit.thicknessA);
    if (nodeA < fit.fitResolutionA) {
      warnings.push({
        code: 'thickness-unconstrained',
        message:
          `${path}: the thickness node (${nodeA.toFixed(1)} Å) lies beyond the fit resolution ` +
          `(${fit.fitResolutionA.toFixed(1)} Å); the thickness ${(fit.thicknessA / 10).toFixed(0)} nm is poorly ` +
          `determined`,
      });
    }
  }
  if (fit.fitResolutionA >= 0.9 * o.fitLowResolutionA) {
    warnings.push({
      code: 'no-thon-rings',
      message:
        `${path}: no Thon rings found (the fit holds nowhere past ${fit.fitResolutionA.toFixed(1)} Å, CC ` +
        `${fit.crossCorrelation.toFixed(3)}): an empty, drifted or carbon-only micrograph; its defocus is meaningless`,
    });
  } else if (fit.fitResolutionA > 8) {
    warnings.push({ code: 'poor-fit', message: `${path}: Thon rings fit only to ${fit.fitResolutionA.toFixed(1)} Å` });
  }
  const estimate: CtfEstimate = {
    micrograph: path,
    defocusUA: fit.defocusUA,
    defocusVA: fit.defocusVA,
    astigmatismAngleDeg: fit.astigmatismAngleDeg,
    phaseShiftRad: fit.phaseShiftRad,
    crossCorrelation: fit.crossCorrelation,
    fitResolutionA: fit.fitResolutionA,
    tiltAxisDeg: null,
    tiltAngleDeg: null,
    thicknessA: fit.thicknessA,
  };
  return { estimate, fit, pixelSizeA, warnings };
}

/** Above this a picture is a spectrum: micrographs correlate with their 180° turn by noise (|r| < 0.05). */
const POWER_SPECTRUM_SYMMETRY = 0.8;

/**
 * How much an image whose values are all ≥ 0 looks like a centred power spectrum: the correlation of
 * the image with itself turned by 180° about the centre (P(k) = P(−k) for any spectrum). Every 4th row
 * is enough: a 2048² image still gives ~10⁶ pairs, a standard error of ~0.001 against a verdict at 0.8.
 */
export function powerSpectrumLikeness(image: Float32Array, nx: number, ny: number): number {
  // Turned about (nx/2, ny/2): x → nx − x, y → ny − y (the centre of an FFT-shifted spectrum).
  let sa = 0,
    sb = 0,
    saa = 0,
    sbb = 0,
    sab = 0,
    n = 0;
  for (let y = 1; y < ny; y += 4) {
    const row = y * nx,
      turned = (ny - y) * nx;
    for (let x = 1; x < nx; x++) {
      const a = image[row + x]!,
        b = image[turned + nx - x]!;
      sa += a;
      sb += b;
      saa += a * a;
      sbb += b * b;
      sab += a * b;
      n++;
    }
  }
  return pearsonFromSums(n, sa, sb, saa, sbb, sab);
}

/** Fitting errors (a micrograph too small, a fit range beyond Nyquist) name the file they concern. */
function named<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof RangeError ? new InputError(`${path}: ${e.message}`) : e;
  }
}

/**
 * One micrograph's files (CTFFIND text, rotational average, diagnostic MRC and PNG, fit plot), written as
 * soon as its fit is done: a run over thousands of micrographs keeps only their rows, not their images.
 */
export function micrographOutputs(
  f: MicrographFit,
  stem: string,
  o: MicrographFitOptions,
  version: string,
  compute?: { codec?: Codec },
): JobOutput[] {
  const header = {
    inputFile: f.estimate.micrograph,
    pixelSizeA: f.pixelSizeA,
    voltageKv: o.voltageKv,
    csMm: o.csMm,
    amplitudeContrast: o.amplitudeContrast,
    boxPx: f.fit.box,
    fitLowResolutionA: o.fitLowResolutionA,
    fitHighResolutionA: o.fitHighResolutionA,
    defocusMinA: o.defocusMinA,
    defocusMaxA: o.defocusMaxA,
  };
  const p = f.fit.profile;
  const avrot = [p.spatialFrequencyInvA, p.data, p.data, p.fit, p.correlation, p.threshold]
    .map((row) => row.map((v) => v.toFixed(6)).join(' '))
    .join('\n');
  const n = f.fit.box;
  const k = 1 / (n * f.pixelSizeA);
  return [
    { name: `${stem}.txt`, text: formatCtffind(header, [f.estimate], `cryodx ${version}`) },
    {
      name: `${stem}_avrot.txt`,
      text:
        `# cryodx ${version}: CTFFIND-style rows: spatial frequency (1/Å); equi-phase average; equi-phase ` +
        `average; fitted CTF; fit correlation; threshold\n${avrot}\n`,
    },
    {
      name: `${stem}_diag.mrc`,
      bytes: writeMrc(createVolume(n, n, 1, [k, k, 1], f.fit.diagnostic), {
        labels: ['cryodx ctf: left half data, right half fit'],
      }),
    },
    { name: `${stem}_diag.png`, bytes: imagePng(f.fit.diagnostic, n, n, compute?.codec) },
    { name: `${stem}_fit.svg`, text: lineChartSvg(ctfFitChart(p, f.fit.fitResolutionA, `${stem}: CTF fit`)) },
  ];
}

/** The row a fit leaves in micrographs_ctf.star and ctf.json: small, kept for every micrograph of a run. */
export function ctfRow(f: MicrographFit): CtfRow {
  return { ...f.estimate, pixelSizeA: f.pixelSizeA, warnings: f.warnings };
}

/** `cryodx ctf`'s results and files, from the fits of every micrograph (fitted here or on worker threads). */
export async function ctfJob(
  fits: MicrographFit[],
  o: MicrographFitOptions,
  version: string,
  compute?: { codec?: Codec },
): Promise<JobResult<CtfRow[]>> {
  if (!fits.length) throw new InputError('no micrographs to fit');
  const rows = fits.map(ctfRow);
  const stems = outputStems(fits.map((f) => f.estimate.micrograph));
  const outputs: JobOutput[] = [];
  for (const [i, f] of fits.entries()) outputs.push(...micrographOutputs(f, stems[i]!, o, version, compute));
  outputs.push(...ctfTables(rows, o));
  return { result: rows, outputs, warnings: rows.flatMap((r) => r.warnings) };
}

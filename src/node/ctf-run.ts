import { basename } from 'node:path';
import { CTF_FIT_DEFAULTS, fitCtf, type CtfFit, type CtfFitOptions } from '../core/ctf/fit.js';
import { wavelengthA } from '../core/ctf/model.js';
import { tiledAmplitudeSpectrum } from '../core/ctf/spectrum.js';
import type { Warning } from '../core/io/errors.js';
import { readMrc } from '../core/io/mrc/read.js';
import type { CtfEstimate } from '../core/model/ctf.js';
import { InputError, readInput } from './files.js';

export interface MicrographFitOptions extends CtfFitOptions {
  angpix?: number;
  boxPx?: number;
}

export interface MicrographFit {
  estimate: CtfEstimate;
  fit: CtfFit;
  pixelSizeA: number;
  warnings: Warning[];
}

/** Reads one micrograph (or a movie, whose frames are summed) and fits its CTF. */
export async function fitMicrographFile(path: string, o: MicrographFitOptions): Promise<MicrographFit> {
  const f = readMrc(await readInput(path), { source: path });
  const v = f.volume;
  const warnings: Warning[] = [...f.warnings];
  if (f.kind === 'volume' || f.kind === 'volume-stack') throw new InputError(`${path}: is a 3D map (${v.nx}×${v.ny}×${v.nz}), expected a micrograph`);
  const header = v.pixelSizeA?.[0] ?? null;
  const pixelSizeA = o.angpix ?? header;
  if (!pixelSizeA) throw new InputError(`${path}: no pixel size in the header; give it with --angpix A`);
  if (o.angpix && header && Math.abs(header - o.angpix) > 1e-3 * o.angpix) warnings.push({ code: 'angpix-override', message: `${path}: header pixel size ${header} Å overridden by --angpix ${o.angpix}` });
  let image: Float32Array = v.data;
  if (v.nz > 1) {
    image = new Float32Array(v.nx * v.ny);
    for (let z = 0; z < v.nz; z++) for (let i = 0; i < image.length; i++) image[i]! += v.data[z * image.length + i]!;
    warnings.push({ code: 'movie-summed', message: `${path}: ${v.nz} frames summed without alignment; fit the motion-corrected sum for the best result` });
  }
  let nonFinite = 0;
  for (let i = 0; i < image.length; i++) if (!Number.isFinite(image[i]!)) nonFinite++;
  if (nonFinite) throw new InputError(`${path}: ${nonFinite} pixels are NaN or infinite; the micrograph is damaged — re-run motion correction`);
  const spec = named(path, () => tiledAmplitudeSpectrum(image, v.nx, v.ny, pixelSizeA, o.boxPx ?? 512));
  if (spec.box < (o.boxPx ?? 512)) warnings.push({ code: 'box-reduced', message: `${path}: ${v.nx}×${v.ny} px is smaller than the ${o.boxPx ?? 512}-px box; fitted with ${spec.box} px` });
  const fit = named(path, () => fitCtf(spec, o));
  if (fit.thicknessA !== null) {
    // The first node of sinc(π·λ·k²·t) must lie inside the fitted range for t to be determined.
    const nodeA = Math.sqrt(wavelengthA(o.voltageKv ?? CTF_FIT_DEFAULTS.voltageKv) * fit.thicknessA);
    if (nodeA < fit.fitResolutionA) warnings.push({ code: 'thickness-unconstrained', message: `${path}: the thickness node (${nodeA.toFixed(1)} Å) lies beyond the fit resolution (${fit.fitResolutionA.toFixed(1)} Å); the thickness ${(fit.thicknessA / 10).toFixed(0)} nm is poorly determined` });
  }
  if (fit.fitResolutionA > 8) warnings.push({ code: 'poor-fit', message: `${path}: Thon rings fit only to ${fit.fitResolutionA.toFixed(1)} Å` });
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

/** Fitting errors (a micrograph too small, a fit range beyond Nyquist) name the file they concern. */
function named<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof RangeError ? new InputError(`${path}: ${e.message}`) : e;
  }
}

/** File stems for per-micrograph outputs, unique even when names repeat across folders. */
export function outputStems(paths: string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const stem = basename(p).replace(/\.(mrcs?|st|map)(\.gz)?$/i, '');
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}_${n}`;
  });
}

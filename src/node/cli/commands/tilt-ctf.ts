import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CTF_FIT_DEFAULTS } from '../../../core/ctf/fit.js';
import { decodeText } from '../../../core/io/bytes.js';
import { formatCtffind } from '../../../core/io/ctffind.js';
import { readXf, xfRotationDeg } from '../../../core/io/imod.js';
import { readMrc } from '../../../core/io/mrc/read.js';
import { readStar } from '../../../core/io/star/read.js';
import { writeStar } from '../../../core/io/star/write.js';
import { tiltDefocusSpec, tiltFitResolutionSpec, tiltWeightSpec } from '../../../core/report/figures/charts.js';
import type { Handedness } from '../../../core/tomo/geometry.js';
import { particleDefocusStar, particleDefoci, particlesFromCsv, particlesFromStar, tiltSeriesStar } from '../../../core/tomo/particles.js';
import type { TiltCtfMethod } from '../../../core/tomo/tilt-ctf.js';
import { geometryFromMdoc, geometryFromTlt, geometryFromTomoStar, preExposures, type TiltGeometry } from '../../../core/tomo/tilt-geometry.js';
import { assembleTiltSeries, type TiltSeriesInput } from '../../../core/tomo/tilt-series.js';
import { InputError, readInput, writeOutputAtomic } from '../../files.js';
import { fitTilts } from '../../parallel/tilt-pool.js';
import { renderSvg } from '../../render.js';
import { VERSION } from '../version.js';
import { printJson, warn } from '../output.js';
import { checkAmplitudeContrast, parseRange, positiveNumber } from '../options.js';

interface TiltCtfFlags {
  tlt?: string;
  mdoc?: string;
  tomoStar?: string;
  xf?: string;
  tiltAxisDeg?: number;
  angpix: number;
  voltageKv: number;
  csMm: number;
  amplitudeContrast: number;
  dosePerTilt?: number;
  method: string;
  handedness: string;
  particles?: string;
  defocusRangeA: string;
  fitRangeA: string;
  box: number;
  json?: boolean;
  out: string;
}

export function registerTiltCtf(program: Command): void {
  program
    .command('tilt-ctf')
    .description('per-tilt CTF of a tilt series from the whole tilted image (or tiles near the axis), series consistency, per-particle defocus, exposure weights from the data')
    .argument('<tiltseries>', 'tilt-series stack (.mrc / .st), one tilt per section')
    .option('--tlt <file>', 'IMOD .tlt / .rawtlt tilt angles')
    .option('--mdoc <file>', 'SerialEM .mdoc (tilt angles, dose, order, tilt axis, pixel size)')
    .option('--tomo-star <file>', 'RELION 5 tilt-series STAR (tilt angles, axis, pre-exposure)')
    .option('--xf <file>', 'IMOD .xf: the tilt-axis angle from its rotation when no other source gives it')
    .option('--tilt-axis-deg <deg>', 'tilt-axis angle, counterclockwise from the image Y axis (IMOD / SerialEM)', (v) => Number(v))
    .requiredOption('--angpix <A>', 'pixel size of the stack in Å', positiveNumber('--angpix'))
    .option('--voltage-kv <kV>', 'acceleration voltage', positiveNumber('--voltage-kv'), CTF_FIT_DEFAULTS.voltageKv)
    .option('--cs-mm <mm>', 'spherical aberration', positiveNumber('--cs-mm'), CTF_FIT_DEFAULTS.csMm)
    .option('--amplitude-contrast <w>', 'amplitude contrast', (v) => Number(v), CTF_FIT_DEFAULTS.amplitudeContrast)
    .option('--dose-per-tilt <e>', 'exposure per tilt image, e/Å² (default: from the mdoc / STAR)', positiveNumber('--dose-per-tilt'))
    .option('--method <whole-image|axis-strip>', 'the reported estimate (both are computed and compared)', 'whole-image')
    .option('--handedness <1|-1>', 'sign of the defocus gradient: +1 means height towards the source adds underfocus', '1')
    .option('--particles <file>', 'particles in the tomogram frame: RELION 5 STAR (rlnCenteredCoordinate{X,Y,Z}Angst) or CSV x, y, z in Å')
    .option('--defocus-range-a <min:max>', 'defocus search range in Å', '5000:80000')
    .option('--fit-range-a <low:high>', 'resolution range of the fit in Å', '30:8')
    .option('--box <px>', 'tile size', positiveNumber('--box'), 512)
    .option('--json', 'print one JSON object to stdout')
    .option('--out <dir>', 'output folder: tilt_ctf.json, tilt_series_ctf.star, tilt_ctf.txt (CTFFIND 5 rows), particle_tilt_defocus.star, figures', 'tilt_ctf')
    .addHelpText('after', '\nExamples:\n  cryodx tilt-ctf TS_01.mrc --mdoc TS_01.mrc.mdoc --angpix 1.35 --out TS_01_ctf\n  cryodx tilt-ctf TS_01.st --tlt TS_01.tlt --tilt-axis-deg 85.3 --dose-per-tilt 3 --angpix 2.7 --particles picks.star --json')
    .action(async (stackPath: string, opts: TiltCtfFlags) => run(stackPath, opts));
}


async function geometry(opts: TiltCtfFlags): Promise<TiltGeometry> {
  const given = [opts.tlt, opts.mdoc, opts.tomoStar].filter(Boolean);
  if (given.length !== 1) throw new InputError('give the tilt geometry with exactly one of --tlt, --mdoc, --tomo-star');
  if (opts.tlt) return geometryFromTlt(decodeText(await readInput(opts.tlt)), opts.tlt);
  if (opts.mdoc) return geometryFromMdoc(decodeText(await readInput(opts.mdoc)), opts.mdoc);
  return geometryFromTomoStar(readStar(await readInput(opts.tomoStar!), { source: opts.tomoStar! }));
}

async function run(stackPath: string, opts: TiltCtfFlags): Promise<void> {
  if (opts.method !== 'whole-image' && opts.method !== 'axis-strip') throw new InputError(`--method takes whole-image or axis-strip, got "${opts.method}"`);
  if (opts.handedness !== '1' && opts.handedness !== '-1') throw new InputError(`--handedness takes 1 or -1, got "${opts.handedness}"`);
  checkAmplitudeContrast(opts.amplitudeContrast);
  if (opts.tiltAxisDeg !== undefined && !Number.isFinite(opts.tiltAxisDeg)) throw new InputError(`--tilt-axis-deg takes an angle in degrees, got "${opts.tiltAxisDeg}"`);
  const g = await geometry(opts);
  const mrc = readMrc(await readInput(stackPath), { source: stackPath });
  const v = mrc.volume;
  if (v.nz !== g.tiltsDeg.length) throw new InputError(`${stackPath} has ${v.nz} sections but ${g.source} lists ${g.tiltsDeg.length} tilts: they must describe the same series`);
  let nonFinite = 0;
  for (let i = 0; i < v.data.length; i++) if (!Number.isFinite(v.data[i]!)) nonFinite++;
  if (nonFinite) throw new InputError(`${stackPath}: ${nonFinite} pixels are NaN or infinite; the stack is damaged — regenerate it`);
  const header = v.pixelSizeA?.[0] ?? null;
  const warnings: string[] = mrc.warnings.map((w) => w.message);
  if (header && Math.abs(header - opts.angpix) > 0.01 * opts.angpix) warnings.push(`${stackPath}: header pixel size ${header} Å, using --angpix ${opts.angpix} Å`);
  if (g.pixelSizeA && Math.abs(g.pixelSizeA - opts.angpix) > 0.01 * opts.angpix) throw new InputError(`${g.source} gives a pixel size of ${g.pixelSizeA} Å but --angpix is ${opts.angpix} Å: a binned stack needs its own pixel size — check which is right`);
  let axis = opts.tiltAxisDeg ?? g.tiltAxisDeg;
  if (axis === null && opts.xf) {
    const xf = readXf(decodeText(await readInput(opts.xf)), opts.xf);
    if (xf.length !== v.nz) throw new InputError(`${opts.xf} has ${xf.length} transforms for ${v.nz} tilts`);
    axis = -xfRotationDeg(xf[0]!);
  }
  if (axis === null || axis === undefined || !Number.isFinite(axis)) throw new InputError(`${g.source} does not give the tilt-axis angle: pass --tilt-axis-deg (or --xf)`);
  const pre = preExposures(g, opts.dosePerTilt ?? null);
  if (Math.max(...pre.preExposureEPerA2) === 0 && g.tiltsDeg.length > 1) warnings.push(`${g.source}: every tilt has zero exposure dose, so the dose rule and pre-exposures are meaningless: give --dose-per-tilt`);
  if (pre.assumedOrder) warnings.push(`${g.source} has no acquisition times: a dose-symmetric order (outwards from 0° by |tilt|) is assumed for the pre-exposure`);
  const dose = g.doseEPerA2.map((d) => opts.dosePerTilt ?? d ?? 0);
  const [dMin, dMax] = parseRange(opts.defocusRangeA, '--defocus-range-a');
  const [low, high] = parseRange(opts.fitRangeA, '--fit-range-a');
  const options = { voltageKv: opts.voltageKv, csMm: opts.csMm, amplitudeContrast: opts.amplitudeContrast, defocusMinA: dMin, defocusMaxA: dMax, fitLowResolutionA: low, fitHighResolutionA: high, boxPx: opts.box, method: opts.method as TiltCtfMethod, handedness: Number(opts.handedness) as Handedness };
  const input: TiltSeriesInput = { stack: v.data, nx: v.nx, ny: v.ny, pixelSizeA: opts.angpix, tiltsDeg: g.tiltsDeg, tiltAxisDeg: axis, preExposureEPerA2: pre.preExposureEPerA2, rank: pre.rank, dosePerTiltEPerA2: dose };
  const quiet = opts.json || !process.stderr.isTTY;
  let pairs;
  try {
    pairs = await fitTilts(input, options, (n) => { if (!quiet) process.stderr.write(`\rfitted ${n}/${v.nz} tilts`); });
  } catch (e) {
    throw e instanceof RangeError ? new InputError(e.message) : e;
  }
  if (!quiet) process.stderr.write('\n');
  const series = assembleTiltSeries(input, pairs, options);
  const particles = opts.particles ? particleDefoci(await readParticles(opts.particles), series.tilts, series.handedness) : [];
  const result = {
    tilts: series.tilts,
    particles: particles.map((p) => ({ x: p.xA, y: p.yA, z: p.zA, defocusAPerTilt: p.defocusAPerTilt })),
    handedness: series.handedness,
    method: series.method,
    tiltAxisDeg: axis,
    warnings: [...warnings, ...series.warnings],
  };
  await writeOutputs(stackPath, opts, result, particles, series);
  if (opts.json) return printJson(result);
  printSummary(result, opts.out);
}

async function readParticles(path: string) {
  const bytes = await readInput(path);
  return /\.star$/i.test(path) ? particlesFromStar(readStar(bytes, { source: path })) : particlesFromCsv(decodeText(bytes), path);
}

type Result = { tilts: ReturnType<typeof assembleTiltSeries>['tilts']; particles: unknown[]; handedness: number; method: string; tiltAxisDeg: number; warnings: string[] };

async function writeOutputs(stackPath: string, opts: TiltCtfFlags, result: Result, particles: ReturnType<typeof particleDefoci>, series: ReturnType<typeof assembleTiltSeries>): Promise<void> {
  const dir = opts.out, inputs = [stackPath, ...[opts.tlt, opts.mdoc, opts.tomoStar, opts.xf, opts.particles].filter((x): x is string => !!x)];
  await mkdir(dir, { recursive: true });
  await writeOutputAtomic(join(dir, 'tilt_ctf.json'), JSON.stringify(result, null, 1), inputs);
  await writeOutputAtomic(join(dir, 'tilt_series_ctf.star'), writeStar(tiltSeriesStar(series.tilts, result.tiltAxisDeg)), inputs);
  const [low, high] = parseRange(opts.fitRangeA, '--fit-range-a'), [dMin, dMax] = parseRange(opts.defocusRangeA, '--defocus-range-a');
  const rows = series.tilts.map((t) => ({ micrograph: `${stackPath}:${t.index + 1}`, defocusUA: t.defocusUA, defocusVA: t.defocusVA, astigmatismAngleDeg: t.astigmatismAngleDeg, phaseShiftRad: 0, crossCorrelation: t.score, fitResolutionA: t.fitResolutionA, tiltAxisDeg: result.tiltAxisDeg, tiltAngleDeg: t.tiltDeg, thicknessA: null }));
  await writeOutputAtomic(join(dir, 'tilt_ctf.txt'), formatCtffind({ inputFile: stackPath, pixelSizeA: opts.angpix, voltageKv: opts.voltageKv, csMm: opts.csMm, amplitudeContrast: opts.amplitudeContrast, boxPx: opts.box, fitLowResolutionA: low, fitHighResolutionA: high, defocusMinA: dMin, defocusMaxA: dMax }, rows, `cryodx ${VERSION}`), inputs);
  if (particles.length) await writeOutputAtomic(join(dir, 'particle_tilt_defocus.star'), writeStar(particleDefocusStar(particles, series.tilts)), inputs);
  await writeOutputAtomic(join(dir, 'defocus_vs_tilt.svg'), await renderSvg(tiltDefocusSpec(series.tilts, series.method)), inputs);
  await writeOutputAtomic(join(dir, 'fit_resolution_vs_tilt.svg'), await renderSvg(tiltFitResolutionSpec(series.tilts, series.method)), inputs);
  await writeOutputAtomic(join(dir, 'weights_vs_dose.svg'), await renderSvg(tiltWeightSpec(series.tilts)), inputs);
}

function printSummary(r: Result, dir: string): void {
  const lines = [`${r.tilts.length} tilts, ${r.method} (comparison: ${r.tilts[0]!.comparison.method}), handedness ${r.handedness}, tilt axis ${r.tiltAxisDeg.toFixed(1)}°`, ' tilt°  pre e/Å²  defocus µm (other)   fit Å   B Å²   weight  dose  cos   flags'];
  for (const t of r.tilts) {
    const m = (t.defocusUA + t.defocusVA) / 20000, o = (t.comparison.defocusUA + t.comparison.defocusVA) / 20000;
    lines.push(`${t.tiltDeg.toFixed(1).padStart(6)} ${t.preExposureEPerA2.toFixed(1).padStart(8)}  ${m.toFixed(3)} (${o.toFixed(3)}) ${t.fitResolutionA.toFixed(1).padStart(7)} ${t.bfactorA2.toFixed(0).padStart(6)}   ${t.weight.toFixed(2)}   ${t.doseWeight.toFixed(2)}  ${t.cosWeight.toFixed(2)}  ${t.flags.join('; ')}`);
  }
  lines.push(`Wrote ${join(dir, 'tilt_series_ctf.star')} (rlnCtfBfactor / rlnCtfScalefactor per tilt), tilt_ctf.json, tilt_ctf.txt and figures${r.particles.length ? `, particle_tilt_defocus.star (${r.particles.length} particles)` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
  r.warnings.forEach((w) => warn(w));
}

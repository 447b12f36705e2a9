import { concatBytes } from '../../io/bytes.js';
import type { ImageSource } from '../../analysis/reconstruct/stream.js';
import { FormatError, InputError, type Warning } from '../../errors.js';
import { RLN } from '../../io/star/labels.js';
import { readStar } from '../../io/star/read.js';
import { reslogSpec, whatifSpec } from '../../report/figures/whatif.js';
import type { MeasuredSection } from '../../report/report.js';
import type { Compute } from '../../parallel/compute.js';
import { subProgress, type ProgressContext } from '../../util/progress.js';
import type { JobOutput, NamedBytes } from '../job.js';
import type { MaskSpec } from '../inputs/maps.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { createVolume } from '../../model/volume.js';
import { reconstructJob } from '../jobs/reconstruct.js';
import { reslogJob } from '../jobs/reslog.js';
import { withRebuiltHalves } from './input.js';
import type { MapPart } from './analyses.js';
import { whatifJob } from '../jobs/whatif.js';
import type { Inserter } from '../jobs/reconstruct.js';
import type { ParticleMapsInput } from '../jobs/particle-maps.js';
import type { FigureSpec } from './analyses.js';
import type { ReportJobInput } from './report.js';

/**
 * `report --measure`: what each fix buys, measured on the user's particles — ResLog (half maps from nested random
 * subsets) and the what-if reconstructions (without each flagged group, against random controls), with the
 * report's own per-micrograph files forming the groups. It costs reconstructions, so it runs only when asked.
 */
export interface MeasureInput {
  /** Where the particle stacks are read from (a folder on disk, the dropped project). */
  images: ImageSource;
  /** Worker threads in the CLI (a fresh inserter per pass, grids handed back, pairs finished side by side). */
  inserterFor?: (particles: number) => Inserter | null;
  recycle?: ParticleMapsInput['recycle'];
  finisher?: ParticleMapsInput['finisher'];
  /** Random-removal draws per group (default 3). */
  controls?: number;
  /** Random orders per ResLog size (default 1 here: the controls already give the what-ifs their spread). */
  repeats?: number;
  seed?: number;
  /** Write the full and each what-if map and whatif.cxc (ChimeraX), as `whatif --maps` does. */
  writeMaps?: boolean;
}

export interface MeasuredPart {
  section: MeasuredSection;
  figures: FigureSpec[];
  outputs: JobOutput[];
  warnings: Warning[];
}

export async function measuredAnalysis(
  inp: ReportJobInput & { measure: MeasureInput },
  progress: ProgressContext | undefined,
  compute: Compute | undefined,
): Promise<MeasuredPart> {
  if (!inp.particles)
    throw new InputError('--measure needs the particles of the refinement (--particles, or a project with one)');
  const m = inp.measure;
  const mask = measureMask(inp.mask);
  const common = {
    particles: inp.particles,
    images: m.images,
    symmetry: inp.symmetry ?? 'C1',
    mask,
    pixelSizeA: inp.pixelSizeA ?? null,
    ...(m.inserterFor ? { inserterFor: m.inserterFor } : {}),
    ...(m.recycle ? { recycle: m.recycle } : {}),
    ...(m.finisher ? { finisher: m.finisher } : {}),
    ...(m.seed !== undefined ? { seed: m.seed } : {}),
  };
  const t0 = Date.now();
  const reslog = await reslogJob(
    { ...common, repeats: m.repeats ?? 1 },
    subProgress(progress, 0, 0.35, 'ResLog'),
    compute,
  );
  const reslogFile = reslog.outputs.find((o) => o.name === 'reslog.json')!;
  const files = groupFiles(inp);
  const warnings: Warning[] = [...reslog.warnings];
  // A what-if that cannot run (maps that never cross 0.143, a file that cannot be joined) leaves ResLog standing.
  const whatif = await whatifJob(
    {
      ...common,
      ...files,
      ...(inp.picks?.length ? { picks: inp.picks } : {}),
      particleDiameterA: inp.particleDiameterA ?? null,
      micrographPixelSizeA: inp.micrographPixelSizeA ?? micrographPixelOf([files.ctf, files.motion]),
      ...(reslog.result.fit && reslog.result.fit.slope > 0 ? { reslog: named(reslogFile) } : {}),
      ...(m.controls !== undefined ? { controls: m.controls } : {}),
      ...(m.writeMaps ? { writeMaps: true } : {}),
    },
    subProgress(progress, 0.35, 0.65, 'what-if'),
    compute,
  ).catch((e: unknown) => {
    if (!(e instanceof InputError || e instanceof FormatError)) throw e;
    warnings.push({
      code: 'whatif-skipped',
      message: `${e.message.replace(/\.$/, '')}; the what-if reconstructions were skipped (ResLog stands)`,
    });
    return null;
  });
  if (whatif) warnings.push(...whatif.warnings);
  const measuredGroups = whatif?.result.groups.some((g) => g.resolutionWithoutA !== null) ?? false;
  const section: MeasuredSection = {
    reslog: reslog.result,
    whatif: whatif?.result ?? null,
    mask: maskText(inp.mask),
    groupFiles: [...Object.values(files).map((f) => f.name), ...(inp.picks ?? []).map((p) => `picks of ${p.name}`)],
    seconds: (Date.now() - t0) / 1000,
  };
  return {
    section,
    figures: [
      ...(reslog.result.points.length ? [{ name: 'reslog', spec: reslogSpec(reslog.result) }] : []),
      ...(whatif && measuredGroups ? [{ name: 'whatif', spec: whatifSpec(whatif.result) }] : []),
    ],
    // reslog.svg is the report's figures/reslog.svg.
    outputs: [...reslog.outputs, ...(whatif?.outputs ?? [])]
      .filter((o) => o.name !== 'reslog.svg')
      .map((o) => ({ ...o, name: `measured/${o.name}` })),
    warnings,
  };
}

/** The report's mask as the measuring jobs take it: a file or a sphere as given; otherwise RELION's automatic mask. */
function measureMask(mask: MaskSpec | undefined): MaskSpec {
  return mask && mask.kind !== 'none' ? mask : { kind: 'auto' };
}

function maskText(mask: MaskSpec | undefined): string {
  if (mask?.kind === 'user') return mask.file.name;
  if (mask?.kind === 'sphere') return 'a soft sphere';
  return 'RELION’s automatic mask, made once from the maps of all the particles';
}

/**
 * The per-micrograph files the report was given, as the what-if groups take them: RELION's micrographs_ctf.star,
 * corrected_micrographs.star and a classification's particle STAR (the CTFFIND logs, motion logs and model STARs
 * the report also reads cannot be joined to particles).
 */
function groupFiles(inp: ReportJobInput): { ctf?: NamedBytes; motion?: NamedBytes; classes?: NamedBytes } {
  const star = (f: NamedBytes, label: string): boolean =>
    /\.star$/i.test(f.name) && new TextDecoder().decode(f.bytes.subarray(0, 65536)).includes(`_${label}`);
  const ctf = inp.ctf?.find((f) => star(f, RLN.micrographName));
  const motion = inp.motion?.find((f) => /corrected_micrographs\.star$/i.test(f.name) && star(f, RLN.micrographName));
  // A 2D classification's classes are views, not states: leaving one out tests nothing about heterogeneity.
  const classes = inp.classes?.find(
    (f) => /_data\.star$/i.test(f.name) && !/Class2D/i.test(f.name) && star(f, RLN.classNumber),
  );
  return { ...(ctf ? { ctf } : {}), ...(motion ? { motion } : {}), ...(classes ? { classes } : {}) };
}

/** The motion-corrected micrographs' pixel (the picks' and coordinates' unit) from a micrograph STAR's optics. */
function micrographPixelOf(files: (NamedBytes | undefined)[]): number | null {
  for (const f of files) {
    if (!f) continue;
    const optics = readStar(f.bytes, { source: f.name }).blocks.find((b) => b.name === 'optics')?.loop;
    if (optics?.has(RLN.micrographPixelSize)) {
      const px = optics.numbers(RLN.micrographPixelSize)[0]!;
      if (px > 0) return px;
    }
  }
  return null;
}

function named(o: JobOutput): NamedBytes {
  if (!('text' in o)) throw new Error(`${o.name}: expected a text output`);
  return { name: o.name, bytes: new TextEncoder().encode(o.text) };
}

/**
 * Without half maps, `--measure` rebuilds them from the particles first (as `cryodx reconstruct` does), so the
 * report's map analyses (FSC, B, anisotropy, local resolution, the FSC at Nyquist) run on the same maps the
 * what-ifs are compared with. Returns the input with the maps, and the maps as outputs.
 */
export async function withRebuiltMaps(
  inp: ReportJobInput & { measure: MeasureInput },
  progress: ProgressContext | undefined,
  compute: Compute | undefined,
): Promise<{ input: ReportJobInput; outputs: JobOutput[] }> {
  if (inp.half1 || !inp.particles) return { input: inp, outputs: [] };
  const inserter = inp.measure.inserterFor?.(Number.MAX_SAFE_INTEGER) ?? undefined;
  const job = await reconstructJob(
    {
      particles: inp.particles,
      images: inp.measure.images,
      symmetry: inp.symmetry ?? 'C1',
      subset: 'both',
      pixelSizeA: inp.pixelSizeA ?? null,
      ...(inserter ? { inserter } : {}),
    },
    subProgress(progress, 0, 1, 'rebuilding the half maps'),
    compute,
  );
  const map = (name: string): NamedBytes => {
    const o = job.outputs.find((x) => x.name === name);
    if (!o || !('bytes' in o || 'parts' in o)) throw new Error(`reconstruct wrote no ${name}`);
    return { name: `rebuilt ${name}`, bytes: 'bytes' in o ? o.bytes : concatBytes(o.parts) };
  };
  const input: ReportJobInput = { ...inp };
  withRebuiltHalves(
    input,
    { half1: map('half1.mrc'), half2: map('half2.mrc'), pixelSizeA: job.result.pixelSizeA },
    {
      autoMaskWhenNone: true,
    },
  );
  const outputs = job.outputs
    .filter((o) => /^half[12]\.mrc$/.test(o.name))
    .map((o) => ({ ...o, name: `maps/${o.name}` }));
  return { input, outputs };
}

/**
 * What a user opens in ChimeraX: the sharpened map coloured by local resolution (and the half maps when they were
 * rebuilt here), with a script that does it.
 */
export function mapOutputs(maps: MapPart, rebuilt: boolean): JobOutput[] {
  const n = maps.volumes.n;
  const px = maps.pixelSizeA;
  const vol = (data: Float32Array, label: string): Uint8Array[] =>
    writeMrcParts(createVolume(n, n, n, [px, px, px], data), { labels: [`cryodx report: ${label}`] });
  const out: JobOutput[] = [{ name: 'maps/sharpened.mrc', parts: vol(maps.volumes.sharpened, 'sharpened map') }];
  const lr = maps.volumes.locres;
  if (lr) out.push({ name: 'maps/locres.mrc', parts: vol(lr, 'local resolution (Å)') });
  out.push({ name: 'maps/chimerax.cxc', text: chimeraScript(maps, !!lr, rebuilt) });
  return out;
}

function chimeraScript(maps: MapPart, locres: boolean, rebuilt: boolean): string {
  const d = maps.postprocess.resolutionA ?? 2 * maps.pixelSizeA;
  // The palette spans the global resolution to twice it: the core in blue, the periphery in red.
  const lines = [
    '# cryodx report: the sharpened map coloured by local resolution (open in ChimeraX: open chimerax.cxc)',
    'open sharpened.mrc',
    'volume #1 style surface sdLevel 3',
  ];
  if (locres)
    lines.push(
      'open locres.mrc',
      'volume #2 hide',
      `color sample #1 map #2 palette rainbow range ${d.toFixed(2)},${(2 * d).toFixed(2)}`,
    );
  const next = locres ? 3 : 2;
  if (rebuilt) lines.push('open half1.mrc', 'open half2.mrc', `volume #${next},${next + 1} hide`);
  lines.push('view', '');
  return lines.join('\n');
}

import { readClasses, type ClassReading } from '../../analysis/processing/classes.js';
import { readMotion, type MotionReading } from '../../analysis/processing/motion.js';
import { MATCH_RADIUS_OF_DIAMETER, readPicking, type PickingReading } from '../../analysis/processing/picking.js';
import { readPolishing, type PolishingReading } from '../../analysis/processing/polishing.js';
import type { RelionPostprocess } from '../../diagnosis/evidence.js';
import { FormatError, InputError, type Warning } from '../../errors.js';
import { bfactorFromStar, nyquistFromStar, resolutionFromStar } from '../../io/budget-points.js';
import { decodeText, maybeGunzip } from '../../io/bytes.js';
import { detectFormat } from '../../io/detect.js';
import { isNpy, readNpy } from '../../io/npy.js';
import { picksFromCryosparc } from '../../io/cryosparc/processing.js';
import {
  readClassChanges,
  readClassMembership,
  readClassModel,
  readCryosparcClasses,
  type ClassMembership,
  type ClassModel,
} from '../../io/processing/classes.js';
import {
  readCorrectedMicrographs,
  readMotionCor2Log,
  readMotionStar,
  type MicrographMotionRow,
  type MotionTrack,
} from '../../io/processing/motion.js';
import { micrographKey, readPicks, type MicrographPicks } from '../../io/processing/picks.js';
import { readPolishBfactors } from '../../io/processing/polish.js';
import { readStar, type StarDocument } from '../../io/star/read.js';
import type { CtfEstimate } from '../../model/ctf.js';
import type { NamedBytes } from '../job.js';
import { RLN } from '../../io/star/labels.js';

/**
 * The processing results a report reads beside the maps (motion, polishing, classes, picks, earlier
 * post-processing), from named files: the same code serves `report --motion/--bfactors/--classes/--picks/
 * --postprocess` and the files `report --project` finds.
 */
export interface PostprocessEntry {
  file: NamedBytes;
  /** Particles in the refinement behind it (for the Rosenthal–Henderson fit). */
  particles?: number;
  /** The processing step that came just before this refinement. */
  after?: 'polishing' | 'ctf-refinement';
}

export interface PickerFiles {
  name: string;
  files: NamedBytes[];
}

function star(f: NamedBytes): StarDocument {
  return readStar(maybeGunzip(f.bytes, f.name), { source: f.name });
}

/** Motion statistics from corrected_micrographs.star, per-micrograph motion STARs and/or MotionCor2 logs. */
export function motionFromFiles(
  files: NamedBytes[],
  pixelSizeA: number | null,
): {
  reading: MotionReading | null;
  micrographPixelSizeA: number | null;
  dose: MotionTrack | null;
  warnings: Warning[];
} {
  const rows: MicrographMotionRow[] = [];
  const tracks = new Map<string, MotionTrack>();
  for (const f of files) {
    if (/\.log$/i.test(f.name)) {
      tracks.set(
        micrographKey(f.name.replace(/(-Patch)?-(Full|Frame)\.log$/i, '')),
        readMotionCor2Log(decodeText(f.bytes), f.name),
      );
      continue;
    }
    if (detectFormat(f.name, f.bytes.subarray(0, 4096)) === 'npy')
      throw new InputError(
        `${f.name}: cryoSPARC exposures keep their motion in separate trajectory files; give RELION's ` +
          'corrected_micrographs.star or MotionCor2 logs to --motion',
      );
    const doc = star(f);
    if (doc.blocks.some((b) => b.loop?.has(RLN.micrographShiftX)))
      tracks.set(micrographKey(f.name), readMotionStar(doc));
    else rows.push(...readCorrectedMicrographs(doc));
  }
  const keyed = new Map<string, MotionTrack>();
  tracks.forEach((t, k) => keyed.set(k, t));
  const rowsKeyed = rows.map((r) => ({
    ...r,
    metadata: r.metadata ? micrographKey(r.metadata) : micrographKey(r.micrograph),
  }));
  const reading = readMotion({ rows: rowsKeyed, tracks: keyed, pixelSizeA });
  if (!reading && files.length)
    throw new InputError(
      `${files.map((f) => f.name).join(', ')}: no motion to read (RELION's ${RLN.accumMotionTotal}, Early, Late ` +
        'columns or per-frame ' +
        'shifts, with a pixel size)',
    );
  return {
    reading,
    micrographPixelSizeA: rows.find((r) => r.micrographPixelSizeA)?.micrographPixelSizeA ?? null,
    dose: [...tracks.values()].find((t) => t.dosePerFrameEPerA2 !== null) ?? null,
    warnings: reading?.warnings ?? [],
  };
}

export function polishingFromFile(
  file: NamedBytes,
  resolutionA: number | null,
  dose: MotionTrack | null,
  voltageKv: number | null,
): { reading: PolishingReading | null; warnings: Warning[] } {
  const rows = readPolishBfactors(star(file));
  if (resolutionA === null)
    return {
      reading: null,
      warnings: [
        {
          code: 'polishing-no-resolution',
          message: `${file.name}: per-frame B needs the map's resolution (half maps or --postprocess)`,
        },
      ],
    };
  return {
    reading: readPolishing(rows, resolutionA, {
      dosePerFrameEPerA2: dose?.dosePerFrameEPerA2 ?? null,
      preExposureEPerA2: dose?.preExposureEPerA2 ?? 0,
      voltageKv: voltageKv ?? dose?.voltageKv ?? null,
    }),
    warnings: [],
  };
}

/**
 * A classification from its files: model STARs (the latest iteration decides, earlier ones give the history),
 * the optimiser STAR, data STARs of the last and an earlier iteration, a Select job's particles (what was
 * kept), or a cryoSPARC particles .cs with class posteriors.
 */
export function classesFromFiles(files: NamedBytes[]): ClassReading {
  const models: ClassModel[] = [];
  const members: ClassMembership[] = [];
  let changes: { it: number | null; v: number } | null = null;
  let kept: Int32Array | null = null;
  for (const f of files) {
    if (detectFormat(f.name, f.bytes.subarray(0, 4096)) === 'npy') {
      const c = readCryosparcClasses(readNpy(maybeGunzip(f.bytes, f.name), f.name), f.name);
      models.push(c.model);
      members.push(c.membership);
      continue;
    }
    const doc = star(f);
    if (doc.blocks.some((b) => b.name === 'model_classes')) models.push(readClassModel(doc));
    else if (doc.blocks.some((b) => b.pairs.has(RLN.changesOptimalClasses))) {
      const v = readClassChanges(doc);
      const it = /_it(\d+)_/.exec(f.name);
      if (v !== null) changes = { it: it ? Number(it[1]) : null, v };
    } else if (doc.blocks.some((b) => b.loop?.has(RLN.classNumber))) {
      const m = readClassMembership(doc);
      if (m.iteration === null) kept = m.classNumber;
      else members.push(m);
    } else
      throw new FormatError('not a classification file', {
        source: f.name,
        expected: 'run_itNNN_model.star, _optimiser.star, _data.star or a Select job’s particles.star',
      });
  }
  if (!models.length)
    throw new InputError(
      `${files.map((f) => f.name).join(', ')}: no class table (give the classification's run_itNNN_model.star)`,
    );
  const order = (x: { iteration: number | null }): number => x.iteration ?? Infinity;
  models.sort((a, b) => order(a) - order(b));
  members.sort((a, b) => order(a) - order(b));
  const model = models[models.length - 1]!;
  const last = members.find((m) => m.iteration === model.iteration) ?? members[members.length - 1] ?? null;
  const previous = last ? ([...members].reverse().find((m) => m !== last && order(m) < order(last)) ?? null) : null;
  return readClasses({
    model,
    changes: changes && (changes.it === null || changes.it === model.iteration) ? changes.v : null,
    last,
    previous,
    kept,
    earlier: models.slice(0, -1),
  });
}

/** Picks of each picker; the final refinement's particles for which picks survived; counts against defocus. */
export function pickingFromFiles(
  pickers: PickerFiles[],
  opts: {
    diameterA: number | null;
    micrographPixelSizeA: number | null;
    finalParticles?: NamedBytes | null;
    ctf?: CtfEstimate[] | null;
  },
): { reading: PickingReading | null; warnings: Warning[] } {
  const sets = pickerSets(pickers);
  if (opts.diameterA === null || opts.micrographPixelSizeA === null)
    return {
      reading: null,
      warnings: [
        {
          code: 'picks-no-scale',
          message:
            'picks given, but comparing them needs the particle diameter (--particle-diameter-a) and the ' +
            "micrographs' pixel size (--motion corrected_micrographs.star or --micrograph-angpix)",
        },
      ],
    };
  let final: MicrographPicks[] | null = null;
  if (opts.finalParticles) {
    try {
      final = picksOf(opts.finalParticles);
    } catch {
      final = null; // particles without coordinates (or a .cs): survival is not measured
    }
  }
  const per = (f: (e: CtfEstimate) => number | null): Map<string, number> =>
    new Map(
      (opts.ctf ?? []).flatMap((e) => {
        const v = f(e);
        return v !== null && Number.isFinite(v) ? [[micrographKey(e.micrograph), v] as [string, number]] : [];
      }),
    );
  const properties = {
    defocus: per((e) => (e.defocusUA + e.defocusVA) / 2),
    'CTF fit resolution': per((e) => e.fitResolutionA),
    'ice thickness': per((e) => e.thicknessA),
  };
  return {
    reading: readPicking(sets, {
      radiusPx: (MATCH_RADIUS_OF_DIAMETER * opts.diameterA) / opts.micrographPixelSizeA,
      diameterA: opts.diameterA,
      final,
      properties,
    }),
    warnings: [],
  };
}

function picksOf(f: NamedBytes): MicrographPicks[] {
  const bytes = maybeGunzip(f.bytes, f.name);
  return isNpy(bytes) ? picksFromCryosparc(readNpy(bytes, f.name), f.name) : readPicks(f.name, decodeText(bytes));
}

/** Each picker's files read and merged per micrograph (what-if groups by picker). */
export function pickerSets(pickers: PickerFiles[]): { name: string; picks: MicrographPicks[] }[] {
  return pickers.map((p) => ({ name: p.name, picks: mergePicks(p.files.flatMap(picksOf)) }));
}

function mergePicks(list: MicrographPicks[]): MicrographPicks[] {
  const m = new Map<string, MicrographPicks>();
  for (const p of list) {
    const q = m.get(p.micrograph);
    if (q) {
      q.xPx.push(...p.xPx);
      q.yPx.push(...p.yPx);
    } else m.set(p.micrograph, { micrograph: p.micrograph, xPx: [...p.xPx], yPx: [...p.yPx] });
  }
  return [...m.values()];
}

/** RELION's post-processing of the latest map, the gains of polishing and CTF refinement, budget points. */
export function postprocessFromFiles(entries: PostprocessEntry[]): {
  latest: RelionPostprocess;
  gains: { polishingA: number | null; ctfRefinementA: number | null };
  points: { particles: number; resolutionA: number; source: string }[];
} {
  const read = entries.map((e) => {
    const doc = star(e.file);
    const resolutionA = resolutionFromStar(doc);
    return { e, doc, resolutionA, b: optionalBfactor(doc) };
  });
  const last = read[read.length - 1]!;
  const gain = (step: PostprocessEntry['after']): number | null => {
    const i = read.map((r) => r.e.after).lastIndexOf(step);
    return i > 0 ? read[i - 1]!.resolutionA - read[i]!.resolutionA : null;
  };
  return {
    latest: {
      source: last.e.file.name,
      resolutionA: last.resolutionA,
      bfactorA2: last.b?.bfactorA2 ?? null,
      guinierR2: last.b?.guinierR2 ?? null,
      fscAtNyquist: fscAtNyquist(last.doc),
      nyquistA: nyquistFromStar(last.doc),
    },
    gains: { polishingA: gain('polishing'), ctfRefinementA: gain('ctf-refinement') },
    points: read
      .filter((r) => r.e.particles !== undefined)
      .map((r) => ({ particles: r.e.particles!, resolutionA: r.resolutionA, source: r.e.file.name })),
  };
}

/** A postprocess.star without a sharpening B (a given B, an old RELION) is still a resolution. */
function optionalBfactor(doc: StarDocument): ReturnType<typeof bfactorFromStar> | null {
  try {
    return bfactorFromStar(doc);
  } catch {
    return null;
  }
}

/** The corrected FSC at the finest shell of a postprocess.star. */
function fscAtNyquist(doc: StarDocument): number | null {
  const loop = doc.blocks.find((b) => b.loop?.has(RLN.angstromResolution))?.loop;
  if (!loop || !loop.rows) return null;
  const col = [RLN.fourierShellCorrelationCorrected, RLN.fourierShellCorrelationUnmaskedMaps].find((c) => loop.has(c));
  if (!col) return null;
  const [res, fsc] = loop.numberColumns([RLN.angstromResolution, col]);
  let best = -1;
  for (let i = 0; i < loop.rows; i++) if (res![i]! > 0 && (best < 0 || res![i]! < res![best]!)) best = i;
  return best >= 0 ? fsc![best]! : null;
}

/** "postprocess.star:4501:polished" → the file name, its particle count and the step before it. */
export function parsePostprocessSpec(spec: string): {
  path: string;
  particles?: number;
  after?: PostprocessEntry['after'];
} {
  const parts = spec.split(':');
  const tail: string[] = [];
  while (parts.length > 1 && /^(\d+|polished|ctf-refined)$/.test(parts[parts.length - 1]!)) tail.unshift(parts.pop()!);
  const out: { path: string; particles?: number; after?: PostprocessEntry['after'] } = { path: parts.join(':') };
  for (const t of tail) {
    if (t === 'polished') out.after = 'polishing';
    else if (t === 'ctf-refined') out.after = 'ctf-refinement';
    else out.particles = Number(t);
  }
  return out;
}

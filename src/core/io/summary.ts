import { densityStats } from '../model/volume.js';
import { readCtffind, readCtffindAvrot } from './ctffind.js';
import { detectFormat, type FileFormat } from './detect.js';
import { FormatError, type Warning } from '../errors.js';
import { readMdoc, readTlt, readXf, mdocNumbers } from './imod.js';
import { headerStats, readMrc } from './mrc/read.js';
import { readNpy } from './npy.js';
import { readStar } from './star/read.js';
import { asBytes, decodeText, maybeGunzip } from './bytes.js';
import { crossingA, readFscXml, summarizeModel, type ModelSummary } from './misc-formats.js';
import { summarizePicks, type Picks } from './processing/picks.js';
import { isRelionTomoStar, readRelionTomo } from './tomo/relion.js';
import { readTomoFile } from './tomo/index.js';
import { summarizeTiltSource, type TiltSeriesSummary } from './tomo/summary.js';

/** What `cryodx info` prints: one plain object per format, units in the names. */
export type FileSummary =
  | ({ format: 'mrc' } & MapSummary)
  | {
      format: 'star';
      blocks: { name: string; loop: boolean; columns: string[]; rows: number }[];
      /** A RELION tomography STAR: the tilt series it describes. */
      tiltSeries?: TiltSeriesSummary[];
    }
  | { format: 'tilt-series'; tiltSeries: TiltSeriesSummary[] }
  | { format: 'npy'; rows: number; fields: { name: string; type: string; shape: number[] }[] }
  | {
      format: 'ctffind';
      version: string | null;
      micrographs: number;
      pixelSizeA: number | null;
      voltageKv: number | null;
      csMm: number | null;
      amplitudeContrast: number | null;
      columns: number;
      defocusUA: [number, number];
      fitResolutionA: [number, number];
    }
  | { format: 'ctffind-avrot'; micrographs: number; bins: number; spatialFrequencyInvA: [number, number] }
  | { format: 'tlt'; tilts: number; tiltDeg: [number, number] }
  | { format: 'xf'; transforms: number }
  | {
      format: 'fsc-xml';
      title: string | null;
      points: number;
      resolutionA: { fsc0143: number | null; fsc05: number | null };
    }
  | ({ format: 'picks' } & Picks)
  | ({ format: 'model' } & ModelSummary)
  | {
      format: 'mdoc';
      sections: number;
      tiltDeg: [number, number] | null;
      pixelSpacingA: number | null;
      doseEPerA2: number | null;
      global: Record<string, string>;
    };

export interface MapSummary {
  nx: number;
  ny: number;
  nz: number;
  mode: number;
  kind: string;
  pixelSizeA: [number, number, number] | null;
  origin: [number, number, number];
  startVoxel: [number, number, number];
  /** Statistics of the data as read (not the header's). */
  min: number;
  max: number;
  mean: number;
  rms: number;
  headerStats: { min: number | null; max: number | null; mean: number | null; rms: number | null };
  axisOrder: [number, number, number];
  byteOrder: string;
  extendedHeaderBytes: number;
  extendedHeaderType: string;
  labels: string[];
}

export interface SummaryResult {
  summary: FileSummary;
  warnings: Warning[];
}

export function summarizeFile(name: string, input: ArrayBuffer | ArrayBufferView): SummaryResult {
  const raw = asBytes(input);
  const bytes = maybeGunzip(raw, name);
  const format = detectFormat(name, bytes.subarray(0, 4096));
  if (!format) {
    throw new FormatError('unrecognised file type', {
      source: name,
      expected:
        'MRC (.mrc .map .mrcs .st), STAR (.star), cryoSPARC (.cs), CTFFIND (.txt), IMOD (.tlt .xf), SerialEM ' +
        '(.mdoc), ' +
        'EMDB FSC XML, picks (.box .cbox, Topaz) or a PDB model',
    });
  }
  return summarize(format, name, bytes);
}

function placeholderWarnings(name: string, series: TiltSeriesSummary[]): Warning[] {
  return series.flatMap((s) =>
    s.placeholders.map((p) => ({
      code: 'placeholder',
      message: `${name}: read as absent, a program's "not computed" placeholder — ${p}`,
    })),
  );
}

function range(v: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < lo) lo = v[i]!;
    if (v[i]! > hi) hi = v[i]!;
  }
  return [lo, hi];
}

function summarize(format: FileFormat, name: string, bytes: Uint8Array): SummaryResult {
  switch (format) {
    case 'mrc': {
      const f = readMrc(bytes, { source: name });
      const s = densityStats(f.volume.data);
      const v = f.volume;
      return {
        summary: {
          format,
          nx: v.nx,
          ny: v.ny,
          nz: v.nz,
          mode: f.header.mode,
          kind: f.kind,
          pixelSizeA: v.pixelSizeA,
          origin: v.originA,
          startVoxel: v.startVoxel,
          min: s.min,
          max: s.max,
          mean: s.mean,
          rms: s.rms,
          headerStats: headerStats(f.header),
          axisOrder: f.axisOrder,
          byteOrder: f.byteOrder,
          extendedHeaderBytes: f.extendedHeaderBytes,
          extendedHeaderType: f.extendedHeaderType,
          labels: f.labels,
        },
        warnings: f.warnings,
      };
    }
    case 'star': {
      const doc = readStar(bytes, { source: name });
      const blocks = doc.blocks.map((b) =>
        b.loop
          ? { name: b.name, loop: true, columns: [...b.loop.columns], rows: b.loop.rows }
          : { name: b.name, loop: false, columns: [...b.pairs.keys()], rows: 1 },
      );
      if (!isRelionTomoStar(doc)) return { summary: { format, blocks }, warnings: [] };
      const tomo = readRelionTomo(doc);
      const tiltSeries = tomo.sources.map(summarizeTiltSource);
      return { summary: { format, blocks, tiltSeries }, warnings: placeholderWarnings(name, tiltSeries) };
    }
    case 'tilt-series': {
      const tiltSeries = readTomoFile(name, bytes).sources.map(summarizeTiltSource);
      return { summary: { format, tiltSeries }, warnings: placeholderWarnings(name, tiltSeries) };
    }
    case 'npy': {
      const t = readNpy(bytes, name);
      return {
        summary: {
          format,
          rows: t.rows,
          fields: t.fields.map((f) => ({ name: f.name, type: f.type, shape: f.shape })),
        },
        warnings: [],
      };
    }
    case 'ctffind': {
      const r = readCtffind(bytes, name);
      return {
        summary: {
          format,
          version: r.version,
          micrographs: r.estimates.length,
          ...r.settings,
          columns: r.estimates[0]!.thicknessA === null ? 7 : 10,
          defocusUA: range(r.estimates.map((e) => e.defocusUA)),
          fitResolutionA: range(r.estimates.map((e) => e.fitResolutionA)),
        },
        warnings: [],
      };
    }
    case 'ctffind-avrot': {
      const r = readCtffindAvrot(bytes, name);
      return {
        summary: {
          format,
          micrographs: r.length,
          bins: r[0]!.spatialFrequencyInvA.length,
          spatialFrequencyInvA: range(r[0]!.spatialFrequencyInvA),
        },
        warnings: [],
      };
    }
    case 'tlt': {
      const t = readTlt(bytes, name);
      return { summary: { format, tilts: t.length, tiltDeg: range(t) }, warnings: [] };
    }
    case 'xf':
      return { summary: { format, transforms: readXf(bytes, name).length }, warnings: [] };
    case 'mdoc': {
      const m = readMdoc(bytes, name);
      const tilts = mdocNumbers(m, 'TiltAngle').filter((x): x is number => x !== null);
      const dose = mdocNumbers(m, 'ExposureDose').filter((x): x is number => x !== null);
      const px = m.global['PixelSpacing'] ?? m.sections[0]?.fields['PixelSpacing'];
      const zero = dose.filter((d) => d === 0).length;
      const warnings: Warning[] = [];
      if (dose.length && zero > 0) {
        warnings.push({
          code: 'zero-exposure-dose',
          message:
            `${name}: ${zero} of ${dose.length} sections record ExposureDose = 0 (SerialEM without a dose ` +
            `calibration): pre-exposures and dose weighting need the dose per tilt (tilt-ctf --dose-per-tilt)`,
        });
      }
      return {
        summary: {
          format,
          sections: m.sections.length,
          tiltDeg: tilts.length ? range(tilts) : null,
          pixelSpacingA: px !== undefined ? Number(px) : null,
          doseEPerA2: dose.length ? dose.reduce((a, b) => a + b, 0) : null,
          global: m.global,
        },
        warnings,
      };
    }
    case 'fsc-xml': {
      const c = readFscXml(bytes, name);
      const resolutionA = { fsc0143: crossingA(c.x, c.y, 0.143), fsc05: crossingA(c.x, c.y, 0.5) };
      return { summary: { format, title: c.title, points: c.x.length, resolutionA }, warnings: [] };
    }
    case 'picks':
      return { summary: { format, ...summarizePicks(name, decodeText(bytes)) }, warnings: [] };
    case 'model': {
      const m = summarizeModel(bytes, name);
      return { summary: { format, ...m.summary }, warnings: m.warnings };
    }
  }
}

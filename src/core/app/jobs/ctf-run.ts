import { CTF_FIT_DEFAULTS, type CtfFitOptions } from '../../analysis/ctf/fit-options.js';
import { InputError, type Warning } from '../../errors.js';
import { ctfToStar } from '../../io/ctf-star.js';
import { writeStar } from '../../io/star/write.js';
import type { CtfEstimate } from '../../model/ctf.js';
import { jsonText, type JobOutput } from '../job.js';
import { checkAmplitudeContrast, parseRange } from '../inputs/options.js';

// A CTF run's options in and tables out: what the thread that hands micrographs to workers needs, without the
// fit itself (ctf.ts), whose modules it then need not load.

/** The options of a micrograph CTF fit as a user gives them (ranges as "FROM:TO" text or numbers). */
export interface CtfJobOptions {
  pixelSizeA?: number;
  voltageKv?: number;
  csMm?: number;
  amplitudeContrast?: number;
  defocusRangeA?: string | [number, number];
  fitRangeA?: string | [number, number];
  boxPx?: number;
  findPhaseShift?: boolean;
  findThickness?: boolean;
}

/** Options checked once, with every default filled in: what each micrograph's fit receives. */
export interface MicrographFitOptions extends Required<
  Pick<
    CtfFitOptions,
    | 'voltageKv'
    | 'csMm'
    | 'amplitudeContrast'
    | 'defocusMinA'
    | 'defocusMaxA'
    | 'fitLowResolutionA'
    | 'fitHighResolutionA'
  >
> {
  pixelSizeA: number | null;
  boxPx: number;
  findPhaseShift: boolean;
  findThickness: boolean;
}

export function micrographFitOptions(
  o: CtfJobOptions,
  defaults: { defocusRangeA?: [number, number]; fitRangeA?: [number, number] } = {},
): MicrographFitOptions {
  const range = (v: string | [number, number] | undefined, flag: string, d: [number, number]): [number, number] =>
    v === undefined ? d : typeof v === 'string' ? parseRange(v, flag) : v;
  const [dMin, dMax] = range(
    o.defocusRangeA,
    '--defocus-range-a',
    defaults.defocusRangeA ?? [CTF_FIT_DEFAULTS.defocusMinA, CTF_FIT_DEFAULTS.defocusMaxA],
  );
  const [low, high] = range(
    o.fitRangeA,
    '--fit-range-a',
    defaults.fitRangeA ?? [CTF_FIT_DEFAULTS.fitLowResolutionA, CTF_FIT_DEFAULTS.fitHighResolutionA],
  );
  if (!(dMin > 0 && dMax > dMin))
    throw new InputError(`--defocus-range-a must go from low to high defocus, got ${dMin}:${dMax}`);
  if (!(high > 0 && high < low))
    throw new InputError(`--fit-range-a goes from low to high resolution (e.g. 30:5), got ${low}:${high}`);
  const box = o.boxPx ?? 512;
  if (!(Number.isInteger(box) && box >= 64 && box <= 4096 && box % 2 === 0))
    throw new InputError(`--box takes an even tile size from 64 to 4096 px, got ${box}`);
  return {
    pixelSizeA: o.pixelSizeA ?? null,
    voltageKv: o.voltageKv ?? CTF_FIT_DEFAULTS.voltageKv,
    csMm: o.csMm ?? CTF_FIT_DEFAULTS.csMm,
    amplitudeContrast: checkAmplitudeContrast(o.amplitudeContrast ?? CTF_FIT_DEFAULTS.amplitudeContrast),
    defocusMinA: dMin,
    defocusMaxA: dMax,
    fitLowResolutionA: low,
    fitHighResolutionA: high,
    boxPx: box,
    findPhaseShift: !!o.findPhaseShift,
    findThickness: !!o.findThickness,
  };
}

export interface CtfRow extends CtfEstimate {
  pixelSizeA: number;
  warnings: Warning[];
}

/** File stems for per-micrograph outputs, unique even when names repeat across folders. */
export function outputStems(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((p) => {
    const stem = (p.split(/[\\/]/).pop() ?? p).replace(/\.(mrcs?|st|map)(\.gz)?$/i, '');
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}_${n}`;
  });
}

/** The run's tables from every micrograph's row: micrographs_ctf.star (RELION) and ctf.json. */
export function ctfTables(rows: CtfRow[], o: MicrographFitOptions): JobOutput[] {
  if (!rows.length) throw new InputError('no micrographs to fit');
  const optics = {
    pixelSizeA: rows[0]!.pixelSizeA,
    voltageKv: o.voltageKv,
    csMm: o.csMm,
    amplitudeContrast: o.amplitudeContrast,
  };
  const estimates: CtfEstimate[] = rows.map(({ pixelSizeA: _p, warnings: _w, ...estimate }) => estimate);
  return [
    { name: 'micrographs_ctf.star', text: writeStar(ctfToStar(estimates, optics)) },
    { name: 'ctf.json', text: jsonText(rows) },
  ];
}

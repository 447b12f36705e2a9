import { constructAdvice, type ConstructAdvice } from '../../analysis/model/construct.js';
import { mapModelFsc, type MapModelResult } from '../../analysis/model/map-model.js';
import { expectedQ, qScores } from '../../analysis/model/qscore.js';
import { InputError, type Warning } from '../../errors.js';
import { decodeText } from '../../io/bytes.js';
import { writeMrcParts } from '../../io/mrc/write.js';
import { readPae } from '../../io/pae.js';
import { checkPlddt, readStructure, type Residue, type Structure } from '../../io/structure.js';
import { voxelOf, type Volume } from '../../model/volume.js';
import { valuesAtResidues } from '../../analysis/model/residue-values.js';
import { fscChartSpec } from '../../report/figures/charts.js';
import { renderSvg } from '../../report/figures/svg.js';
import type { Compute } from '../../parallel/compute.js';
import { jsonText, type JobResult, type NamedBytes } from '../job.js';
import { checkMap } from '../../model/checked-map.js';
import { resolvePixelSize, statedByMap } from '../../model/pixel-size.js';
import { readMap, volumeLike, type LoadedMap } from '../inputs/maps.js';

/** `cryodx model-fsc` and `cryodx construct`: a model against its map, and construct advice from a prediction. */
export interface ModelFscJobInput {
  map: NamedBytes;
  model: NamedBytes;
  half1?: NamedBytes;
  half2?: NamedBytes;
  /** The pixel size in Å (`--angpix`), overriding the headers. */
  pixelSizeA?: number | null;
  /** The resolution the mask radius follows (default: the model's 0.5 crossing). */
  resolutionA?: number | null;
}

export type ModelFscJobResult = Omit<MapModelResult, 'warnings'> & {
  model: string;
  map: string;
  atoms: number;
  /** Per residue: Q-score on the map (Pintilie et al. 2020) and the model's mean B. */
  residues: { chain: string; resSeq: number; resName: string; qScore: number | null; bfactorA2: number }[];
  /** Pintilie's expected Q at the map–model resolution (masked FSC 0.5), when there is one. */
  expectedQ: number | null;
  warnings: Warning[];
};

export function structureOf(file: NamedBytes): Structure {
  return readStructure(file.bytes, file.name);
}

/** The fewest atoms inside the map's box for a map–model FSC: a few residues' worth. */
export const MIN_MODEL_ATOMS = 20;

export async function modelFscJob(inp: ModelFscJobInput, compute?: Compute): Promise<JobResult<ModelFscJobResult>> {
  const map = readMap(inp.map);
  const halves = [inp.half1, inp.half2].map((h) => (h ? readMap(h, 'half map') : null));
  if (!halves[0] !== !halves[1]) throw new InputError('give both half maps (--half1 and --half2), or neither');
  const all = [map, ...halves.filter((h): h is NonNullable<typeof h> => !!h)];
  const v = map.volume;
  if (v.nx !== v.ny || v.ny !== v.nz)
    throw new InputError(`${inp.map.name}: a cubic box is needed (${v.nx}×${v.ny}×${v.nz})`);
  for (const h of all.slice(1))
    if (h.volume.nx !== v.nx || h.volume.ny !== v.ny || h.volume.nz !== v.nz)
      throw new InputError(`${h.name}: ${h.volume.nx}×${h.volume.ny}×${h.volume.nz}, not the map's ${v.nx}³ grid`);
  const px = resolvePixelSize(
    all.map((m, i) => statedByMap(m.name, i ? 'half map' : 'map', m.volume)),
    { valueA: inp.pixelSizeA, flag: '--angpix' },
  );
  for (const m of all) checkMap(m.name, m.volume, px.pixelSizeA, m.scan);
  const st = structureOf(inp.model);
  // A model map needs atoms in the box: with none (or a handful) its FSC is 0/0 in most shells.
  const inBox = Math.round(inside(st, v, px.pixelSizeA) * st.atoms.length);
  if (inBox < MIN_MODEL_ATOMS)
    throw new InputError(
      `${inp.model.name}: ${inBox} of its ${st.atoms.length} atoms lie inside the map's box (origin ` +
        `${v.originA.map((x) => x.toFixed(1)).join(', ')} Å), fewer than the ${MIN_MODEL_ATOMS} a map–model FSC ` +
        'needs: give the model placed in this map',
    );
  const r = mapModelFsc(
    v,
    st.atoms,
    {
      pixelSizeA: px.pixelSizeA,
      half1: halves[0]?.volume ?? null,
      half2: halves[1]?.volume ?? null,
      ...(inp.resolutionA ? { resolutionA: inp.resolutionA } : {}),
    },
    compute,
  );
  const warnings: Warning[] = [
    ...all.flatMap((m) => m.warnings),
    ...px.warnings,
    ...r.result.warnings.map((m) => ({ code: 'model-map', message: `${inp.model.name}: ${m}` })),
  ];
  if (inside(st, v, px.pixelSizeA) < 0.5)
    warnings.push({
      code: 'model-outside-map',
      message:
        `${inp.model.name}: fewer than half the atoms lie inside the map's box: is the model placed in this map ` +
        `(origin ${v.originA.map((x) => x.toFixed(1)).join(', ')} Å)?`,
    });
  const q = qScores(v, px.pixelSizeA, st.atoms);
  const residues = st.residues.map((res) => {
    const qs = res.atoms.map((k) => q[k]!).filter(Number.isFinite);
    return {
      chain: res.chain,
      resSeq: res.resSeq,
      resName: res.resName,
      qScore: qs.length ? qs.reduce((a, b) => a + b, 0) / qs.length : null,
      bfactorA2: res.atoms.reduce((s, k) => s + st.atoms[k]!.bfactorA2, 0) / res.atoms.length,
    };
  });
  const d05 = r.result.crossings.masked.fsc05A;
  const result: ModelFscJobResult = {
    ...r.result,
    model: inp.model.name,
    map: inp.map.name,
    atoms: st.atoms.length,
    residues,
    expectedQ: d05 ? expectedQ(d05) : null,
    warnings,
  };
  const curves = r.result.shells
    .filter((s) => s.shell > 0)
    .flatMap((s) => [
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMapModel, curve: 'map vs model' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMapModelMasked, curve: 'map vs model (masked)' },
      ...(s.fscHalf1Model !== null
        ? [
            { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscHalf1Model, curve: 'half 1 vs model' },
            { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscHalf2Model, curve: 'half 2 vs model' },
          ]
        : []),
    ]);
  const svg = await renderSvg(fscChartSpec(curves, `Map–model FSC (${inp.model.name})`));
  return {
    result,
    outputs: [
      { name: 'model_fsc.json', text: jsonText(result) },
      { name: 'model_map.mrc', parts: writeMrcParts(volumeLike(v, px.pixelSizeA, r.modelMap)) },
      { name: 'model_fsc.svg', text: svg },
    ],
    warnings,
  };
}

function inside(st: Structure, v: Volume, px: number): number {
  let k = 0;
  for (const a of st.atoms) {
    const g = voxelOf(v, px, a.xA, a.yA, a.zA);
    if (g.every((c, i) => c >= 0 && c < [v.nx, v.ny, v.nz][i]!)) k++;
  }
  return st.atoms.length ? k / st.atoms.length : 0;
}

export interface ConstructJobInput {
  model: NamedBytes;
  pae?: NamedBytes;
  /** A local-resolution map and the model placed in it (same residue numbering as `model`). */
  locres?: NamedBytes;
  modelInMap?: NamedBytes;
}

export type ConstructJobResult = ConstructAdvice & { model: string; predicted: boolean; warnings: Warning[] };

export async function constructJob(inp: ConstructJobInput): Promise<JobResult<ConstructJobResult>> {
  const st = structureOf(inp.model);
  const warnings: Warning[] = [];
  if (!st.predicted)
    warnings.push({
      code: 'not-predicted',
      message: `${inp.model.name}: no AlphaFold / ModelCIF marks: the B column is read as pLDDT anyway`,
    });
  const residues: Residue[] = st.predicted
    ? st.residues
    : st.residues.map((r) => ({ ...r, plddt: st.atoms[r.atoms[0]!]!.bfactorA2 }));
  checkPlddt(residues, inp.model.name);
  const pae = inp.pae ? readPae(decodeText(inp.pae.bytes), inp.pae.name) : null;
  if (pae && pae.n !== residues.length)
    warnings.push({
      code: 'pae-size',
      message: `${inp.pae!.name}: ${pae.n} residues, the model has ${residues.length}: domains left out`,
    });
  if (!!inp.locres !== !!inp.modelInMap)
    throw new InputError('--locres needs --model-in-map (the model placed in that map), and the other way round');
  const locres =
    inp.locres && inp.modelInMap
      ? sampleLocres(readMap(inp.locres, 'local-resolution map'), structureOf(inp.modelInMap), residues)
      : null;
  const advice = constructAdvice(residues, pae && pae.n === residues.length ? pae : null, locres);
  const result: ConstructJobResult = { ...advice, model: inp.model.name, predicted: st.predicted, warnings };
  return { result, outputs: [{ name: 'construct.json', text: jsonText(result) }], warnings };
}

/** Local resolution at each residue's Cα in the placed model, matched to the prediction by chain and number. */
function sampleLocres(
  file: LoadedMap,
  placed: Structure,
  residues: Residue[],
): (Residue & { localResolutionA: number | null })[] {
  const px = statedByMap(file.name, 'local-resolution map', file.volume).pixelSizeA;
  if (!px) throw new InputError('the local-resolution map has no pixel size in its header');
  const map = checkMap(file.name, file.volume, px, file.scan);
  const values = valuesAtResidues(map, map.data, px, placed.atoms, placed.residues);
  const at = new Map(placed.residues.map((r, i) => [`${r.chain}:${r.resSeq}`, values[i] ?? null]));
  return residues.map((r) => ({ ...r, localResolutionA: at.get(`${r.chain}:${r.resSeq}`) ?? null }));
}

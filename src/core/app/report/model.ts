import { constructAdvice, type ConstructAdvice } from '../../analysis/model/construct.js';
import { mapModelFsc, type MapModelResult } from '../../analysis/model/map-model.js';
import { expectedQ, qScores, sampleMap } from '../../analysis/model/qscore.js';
import type { Warning } from '../../errors.js';
import type { FourierCompute } from '../../fourier/rfft3d.js';
import { decodeText } from '../../io/bytes.js';
import { readPae } from '../../io/pae.js';
import { anchorAtom, readStructure, type Residue } from '../../io/structure.js';
import { valuesAtResidues } from '../../analysis/model/residue-values.js';
import { createVolume, type Volume } from '../../model/volume.js';
import { fscChartSpec } from '../../report/figures/charts.js';
import { residueSpec } from '../../report/figures/model.js';
import type { ModelSummaryReport } from '../../report/report.js';
import type { NamedBytes } from '../job.js';

/**
 * The report's model section: the model against the map (cryodx's average of the half maps, and each half for
 * overfitting), construct advice from its pLDDT and PAE, and, with local resolution on the same grid, the two
 * per residue. The model is expected placed in the maps (its coordinates in their frame).
 */
export interface ModelInputs {
  model: NamedBytes;
  pae?: NamedBytes;
}

export function modelAnalyses(
  inp: ModelInputs,
  maps: {
    half1: Volume;
    half2: Volume;
    pixelSizeA: number;
    locres: Float32Array | null;
    resolutionA: number | null;
  } | null,
  compute?: FourierCompute,
): { summary: ModelSummaryReport; specs: { name: string; spec: Record<string, unknown> }[]; warnings: Warning[] } {
  const st = readStructure(inp.model.bytes, inp.model.name);
  const pae = inp.pae ? readPae(decodeText(inp.pae.bytes), inp.pae.name) : null;
  const warnings: Warning[] = [];
  const specs: { name: string; spec: Record<string, unknown> }[] = [];
  let fit: MapModelResult | null = null;
  let perResidue: (Residue & { localResolutionA: number | null })[] | null = null;
  const qByResidue: (number | null)[] = st.residues.map(() => null);
  const mapValue: (number | null)[] = st.residues.map(() => null);
  if (maps) {
    const { half1, half2, pixelSizeA: px } = maps;
    const avg = createVolume(
      half1.nx,
      half1.ny,
      half1.nz,
      [px, px, px],
      half1.data.map((v, i) => (v + half2.data[i]!) / 2),
    );
    avg.originA = half1.originA;
    avg.startVoxel = half1.startVoxel;
    fit = mapModelFsc(avg, st.atoms, { pixelSizeA: px, half1, half2, resolutionA: maps.resolutionA }, compute).result;
    warnings.push(...fit.warnings.map((m) => ({ code: 'model-map', message: `${inp.model.name}: ${m}` })));
    specs.push({ name: 'model-fsc', spec: fscChartSpec(curves(fit), 'Map–model FSC (half maps against the model)') });
    if (maps.locres) {
      const lr = valuesAtResidues(half1, maps.locres, px, st.atoms, st.residues);
      // Local resolution is a positive number of Å; 0 marks voxels outside the mask.
      perResidue = st.residues.map((r, i) => ({ ...r, localResolutionA: (lr[i] ?? 0) > 0 ? lr[i]! : null }));
    }
    const q = qScores(avg, px, st.atoms);
    for (const [i, r] of st.residues.entries()) {
      const qs = r.atoms.map((k) => q[k]!).filter(Number.isFinite);
      qByResidue[i] = qs.length ? qs.reduce((a, b) => a + b, 0) / qs.length : null;
      const ca = anchorAtom(st.atoms, r);
      const v = sampleMap(avg, px, ca.xA, ca.yA, ca.zA);
      mapValue[i] = Number.isFinite(v) ? v : null;
    }
  }
  const residues = st.predicted ? st.residues : null;
  const advice: ConstructAdvice | null = residues
    ? constructAdvice(residues, pae && pae.n === residues.length ? pae : null, perResidue)
    : null;
  if (pae && residues && pae.n !== residues.length)
    warnings.push({ code: 'pae-size', message: `${inp.pae!.name}: ${pae.n} residues, the model ${residues.length}` });
  const rows = (perResidue ?? st.residues).map((r, i) => ({
    chain: r.chain,
    resSeq: r.resSeq,
    resName: r.resName,
    plddt: r.plddt,
    localResolutionA: 'localResolutionA' in r ? (r as { localResolutionA: number | null }).localResolutionA : null,
    qScore: qByResidue[i] ?? null,
    mapValue: mapValue[i] ?? null,
    bfactorA2: r.atoms.reduce((s, k) => s + st.atoms[k]!.bfactorA2, 0) / r.atoms.length,
  }));
  const worse = maps?.resolutionA ? worseSegments(rows, maps.resolutionA) : [];
  if (rows.some((r) => r.plddt !== null || r.localResolutionA !== null))
    specs.push({ name: 'residues', spec: residueSpec(rows) });
  return {
    summary: {
      model: inp.model.name,
      atoms: st.atoms.length,
      predicted: st.predicted,
      mapModel: fit ? { crossings: fit.crossings, overfitting: fit.overfitting, maskRadiusA: fit.maskRadiusA } : null,
      construct: advice,
      residues: rows,
      worseSegments: worse,
    },
    specs,
    warnings,
  };
}

function curves(f: MapModelResult): { spatialFrequencyInvA: number; value: number | null; curve: string }[] {
  return f.shells
    .filter((s) => s.shell > 0)
    .flatMap((s) => [
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscMapModelMasked, curve: 'map vs model (masked)' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscHalf1Model, curve: 'half 1 vs model' },
      { spatialFrequencyInvA: s.spatialFrequencyInvA, value: s.fscHalf2Model, curve: 'half 2 vs model' },
    ]);
}

/**
 * Runs of ≥ 3 residues whose Q-score falls 0.15 or more below what a protein at the map's resolution gives
 * (Pintilie's expected Q): the model's parts the map does not support.
 */
function worseSegments(
  rows: { chain: string; resSeq: number; qScore: number | null }[],
  resolutionA: number,
): { chain: string; start: number; end: number; meanQ: number; statement: string }[] {
  const expected = expectedQ(resolutionA);
  const out: { chain: string; start: number; end: number; meanQ: number; statement: string }[] = [];
  let run: typeof rows = [];
  const flush = (): void => {
    if (run.length >= 3) {
      const meanQ = run.reduce((s, r) => s + r.qScore!, 0) / run.length;
      const [a, b] = [run[0]!, run[run.length - 1]!];
      out.push({
        chain: a.chain,
        start: a.resSeq,
        end: b.resSeq,
        meanQ,
        statement:
          `residues ${a.chain} ${a.resSeq}–${b.resSeq}: Q ${meanQ.toFixed(2)}, expected ${expected.toFixed(2)} at ` +
          `${resolutionA.toFixed(2)} Å`,
      });
    }
    run = [];
  };
  for (const r of rows) {
    const low = r.qScore !== null && r.qScore < expected - 0.15;
    if (low && (!run.length || run[0]!.chain === r.chain)) run.push(r);
    else {
      flush();
      if (low) run.push(r);
    }
  }
  flush();
  return out;
}

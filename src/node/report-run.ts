import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MaskChoice } from '../core/analysis/fsc/suite.js';
import type { Volume } from '../core/model/volume.js';
import { analyze, reportJson } from '../core/report/analyze.js';
import { renderHtml } from '../core/report/html.js';
import type { Report } from '../core/report/report.js';
import type { ProgressContext } from '../core/util/progress.js';
import { readInput, writeOutputAtomic } from './files.js';
import { renderSvg } from './render.js';

export interface ReportInputs {
  half1?: Volume & { path: string };
  half2?: Volume & { path: string };
  pixelSizeA: number | null;
  mask: MaskChoice;
  particles?: string;
  ctf?: string[];
  symmetry: string;
  mwKDa?: number;
  version: string;
}

/** Runs every analysis the inputs allow, diagnoses, and writes report.json, report.html and figures/. */
export async function runReport(inp: ReportInputs, outDir: string, progress?: ProgressContext): Promise<Report> {
  const out = analyze({
    ...(inp.half1 ? { half1: inp.half1, half1Name: inp.half1.path } : {}),
    ...(inp.half2 ? { half2: inp.half2, half2Name: inp.half2.path } : {}),
    pixelSizeA: inp.pixelSizeA,
    mask: inp.mask,
    ...(inp.particles ? { particles: { name: inp.particles, bytes: await readInput(inp.particles) } } : {}),
    ...(inp.ctf?.length ? { ctf: await Promise.all(inp.ctf.map(async (name) => ({ name, bytes: await readInput(name) }))) } : {}),
    symmetry: inp.symmetry,
    ...(inp.mwKDa ? { mwKDa: inp.mwKDa } : {}),
    version: inp.version,
  }, progress);
  await mkdir(join(outDir, 'figures'), { recursive: true });
  const svg: { title: string; svg: string }[] = [];
  for (const f of out.figures) {
    const s = await renderSvg(f.spec);
    svg.push({ title: f.caption, svg: s });
    await writeOutputAtomic(join(outDir, 'figures', `${f.name}.svg`), s);
    await writeOutputAtomic(join(outDir, 'figures', `${f.name}.vl.json`), JSON.stringify(f.spec));
  }
  await writeOutputAtomic(join(outDir, 'report.json'), reportJson(out.report));
  await writeOutputAtomic(join(outDir, 'report.html'), renderHtml(out.report, { svg, png: out.slices }));
  return out.report;
}

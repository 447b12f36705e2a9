import { nonFinitePath } from '../../util/finite.js';
import type { TopLevelSpec } from 'vega-lite';

type VegaModules = [typeof import('vega'), typeof import('vega-lite')];
let modules: Promise<VegaModules> | null = null;

/**
 * Vega and Vega-Lite take ~0.2 s to load; loaded on the first figure, not with every module that can
 * draw one (worker threads and commands that write no figure never pay for them).
 */
function vegaModules(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]);
  return modules;
}

/**
 * Vega-Lite → SVG in Node with no browser and no native dependency (Vega's headless renderer);
 * the HTML report and the browser app render the same specifications.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  // A figure's data must be finite (null where absent): NaN from an analysis is a bug, refused by name.
  const bad = nonFinitePath(spec);
  if (bad) throw new Error(`internal check: a figure would plot a non-finite number at ${bad}`);
  const [{ parse, View }, { compile }] = await vegaModules();
  const vega = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

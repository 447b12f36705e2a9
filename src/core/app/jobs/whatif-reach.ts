import { fitBudget } from '../../analysis/budget/budget.js';
import { CAUSES } from '../../diagnosis/causes.js';
import type { GroupResult, ReachItem, WhatifResult } from '../../diagnosis/whatif-result.js';
import { projectToCount } from '../../diagnosis/whatif-verdict.js';
import { InputError, type Warning } from '../../errors.js';
import { decodeText } from '../../io/bytes.js';
import type { NamedBytes } from '../job.js';

/**
 * What a what-if run says is within reach: the ResLog slope it projects with, and from it and the measured map
 * without the harmful groups, (a) that map, (b) twice today's particles, (c) both, and seed 000's typical ΔB for the
 * causes leaving particles out cannot test — each marked measured, projected or typical.
 */

/**
 * The ResLog slope a (1/d² = a·ln N + b): from a reslog.json of these particles, else from the controls (maps of
 * N − n random particles) and the full map — a short ResLog that costs nothing extra.
 */
export function slopeOf(
  reslog: NamedBytes | undefined,
  total: number,
  fullA: number,
  groups: GroupResult[],
  warnings: Warning[],
): WhatifResult['slope'] {
  if (reslog) {
    const r = JSON.parse(decodeText(reslog.bytes)) as {
      fit?: { slope?: number; slopeStdError?: number | null } | null;
    };
    if (typeof r.fit?.slope !== 'number' || !(r.fit.slope > 0))
      throw new InputError(
        `${reslog.name}: no positive ResLog slope (fit.slope) in it; give a reslog.json from cryodx reslog`,
      );
    return { value: r.fit.slope, standardError: r.fit.slopeStdError ?? null, from: 'reslog' };
  }
  const points = [
    { particles: total, resolutionA: fullA },
    ...groups
      .filter((g) => g.controlResolutionA !== null)
      .map((g) => ({ particles: total - g.particles, resolutionA: g.controlResolutionA! })),
  ];
  if (new Set(points.map((p) => p.particles)).size < 2) {
    warnings.push({
      code: 'whatif-no-slope',
      message: 'no ResLog slope (give --reslog reslog.json): results are not projected back to the full particle count',
    });
    return null;
  }
  const fit = fitBudget(points);
  if (!(fit.slope > 0)) {
    warnings.push({
      code: 'whatif-no-slope',
      message:
        'the controls do not get worse with fewer particles: no slope to project with (give --reslog reslog.json)',
    });
    return null;
  }
  return { value: fit.slope, standardError: fit.slopeStdError, from: 'controls' };
}

/** The map without every harmful group, as measured (resolution null when it never crossed 0.143). */
export interface CleanMaps {
  resolutionA: number | null;
  particles: number;
  names: string[];
}

export interface ReachInput {
  /** The full map's resolution (interpolated crossing), Å, and its particles. */
  fullA: number;
  particles: number;
  /** Its Guinier B (RELION's sign), when fitted: the overall B when there is no slope. */
  bfactorA2: number | null;
  slope: WhatifResult['slope'];
  clean: CleanMaps | null;
  /** The last shell the maps hold, Å: nothing within reach is finer. */
  lastShellA: number;
}

export function reachItems(r: ReachInput): ReachItem[] {
  const out: ReachItem[] = [];
  const { fullA, particles: total, slope, clean } = r;
  if (clean)
    out.push({
      what: `without the harmful groups (${clean.names.join(', ')})`,
      resolutionA: clean.resolutionA,
      bandA: null,
      kind: 'measured',
      basis: `half maps rebuilt from the ${clean.particles} remaining particles`,
    });
  // Rosenthal & Henderson (2003): 1/d² = a·ln N + b; N → 2N adds a·ln 2, the band from a ± 2 SE.
  const band = (d: number, factor: number): [number | null, number | null] | null => {
    if (!slope?.standardError) return null;
    const at = (a: number): number | null => {
      const inv = 1 / d ** 2 + a * Math.log(factor);
      return inv > 0 ? 1 / Math.sqrt(inv) : null;
    };
    return [at(slope.value + 2 * slope.standardError), at(Math.max(0, slope.value - 2 * slope.standardError))];
  };
  if (slope) {
    out.push({
      what: 'twice the particles (as good as today’s)',
      resolutionA: projectToCount(fullA, total, 2 * total, slope.value),
      bandA: band(fullA, 2),
      kind: 'projected',
      basis:
        `ResLog slope ${slope.value.toPrecision(3)} Å⁻² per ln N ` +
        `(${slope.from === 'reslog' ? 'from reslog.json' : 'from the controls and the full map'})`,
    });
    if (clean?.resolutionA != null)
      out.push({
        what: 'both: harmful groups removed and twice the remaining particles',
        resolutionA: projectToCount(clean.resolutionA, clean.particles, 2 * clean.particles, slope.value),
        bandA: band(clean.resolutionA, 2),
        kind: 'projected',
        basis: 'the measured map without the harmful groups, projected with the ResLog slope',
      });
  }
  out.push(...typicalReach(fullA, slope ? 2 / slope.value : r.bfactorA2 !== null ? Math.abs(r.bfactorA2) : null));
  return capAtLastShell(out, r.lastShellA);
}

/** Seed 000's typical ΔB for the causes removal cannot test, as resolutions at the overall B (not measured). */
function typicalReach(fullA: number, overallB: number | null): ReachItem[] {
  if (overallB === null) return [];
  const out: ReachItem[] = [];
  for (const id of ['1a-compositional', '1b-conformational', '4-motion-damage'] as const) {
    const c = CAUSES[id];
    if (!c.typicalBCostA2) continue;
    const [lo, hi] = c.typicalBCostA2;
    // Rosenthal–Henderson at a fixed N: 1/d² scales as 1/B, so lowering B by ΔB gives 1/d² · B/(B − ΔB).
    const at = (db: number): number | null => (db < overallB ? fullA * Math.sqrt((overallB - db) / overallB) : null);
    out.push({
      what: `${c.title}: if it were fixed (typical ΔB ${lo}–${hi} Å²)`,
      resolutionA: at((lo + hi) / 2),
      bandA: [at(hi), at(lo)],
      kind: 'typical',
      basis: `seed 000's typical ΔB, not measured on these particles; overall B ${overallB.toFixed(0)} Å²`,
    });
  }
  return out;
}

/** Nothing within reach is finer than the last shell the maps hold: the pixel limits it, not the fix. */
function capAtLastShell(items: ReachItem[], lastShellA: number): ReachItem[] {
  const cap = (d: number | null): number | null => (d !== null && d < lastShellA ? null : d);
  return items.map((x) => {
    const beyond = x.resolutionA !== null && x.resolutionA < lastShellA;
    return {
      ...x,
      resolutionA: cap(x.resolutionA),
      bandA: x.bandA ? [cap(x.bandA[0]), cap(x.bandA[1])] : null,
      basis: beyond
        ? `${x.basis}; beyond the last shell the maps hold (${lastShellA.toFixed(2)} Å): a finer pixel first`
        : x.basis,
    };
  });
}

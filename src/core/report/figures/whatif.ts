/**
 * Vega-Lite specifications for what each fix buys (`report --measure`): the ResLog plot and the what-if forest
 * plot (each group's map against its random controls). Units in axis titles.
 */
import type { ReslogResult } from '../../analysis/whatif/reslog.js';
import type { WhatifResult } from '../../diagnosis/whatif-result.js';

type Spec = Record<string, unknown>;

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: { font: 'sans-serif', view: { stroke: null } },
};

const inv2 = (d: number): number => 1 / (d * d);

/**
 * ResLog (Stagno et al. 2017): 1/d² against the particle count on a log axis — each map, the means, the
 * Rosenthal–Henderson line with its predictions (95 % band) and the last shell the maps hold.
 */
export function reslogSpec(r: ReslogResult): Spec {
  const maps = r.points.flatMap((p) =>
    p.perRepeatA.map((d) => ({ particles: p.particles, invD2: inv2(d), resolutionA: d, what: 'each map' })),
  );
  const means = r.points.map((p) => ({
    particles: p.particles,
    invD2: inv2(p.resolutionA),
    resolutionA: p.resolutionA,
    what: p.samplingLimited ? 'sampling-limited (not fitted)' : 'mean of the maps',
  }));
  const nMin = Math.min(...r.points.map((p) => p.particles));
  const nMax = 10 * r.particles;
  const line = r.fit
    ? [nMin, nMax].map((n) => ({ particles: n, invD2: r.fit!.slope * Math.log(n) + r.fit!.intercept }))
    : [];
  const predictions = r.predictions
    .filter((p) => p.resolutionA !== null)
    .map((p) => ({
      particles: p.particles,
      invD2: inv2(p.resolutionA!),
      resolutionA: p.resolutionA,
      lo: p.bandA[0] !== null ? inv2(p.bandA[0]) : inv2(p.resolutionA!),
      hi: p.bandA[1] !== null ? inv2(p.bandA[1]) : inv2(p.resolutionA!),
      what: `${p.factor}× the particles (predicted)`,
    }));
  const x = {
    field: 'particles',
    type: 'quantitative',
    title: 'particles (log scale)',
    scale: { type: 'log', domain: [nMin / 1.5, nMax * 1.2] },
  };
  const y = { field: 'invD2', type: 'quantitative', title: '1/d² (Å⁻²)' };
  const tooltip = [{ field: 'what' }, { field: 'particles' }, { field: 'resolutionA', format: '.2f', title: 'Å' }];
  return {
    ...BASE,
    title: r.fit
      ? `ResLog: overall B ${r.fit.overallBfactorA2?.toFixed(0) ?? '—'} Å² (r² ${r.fit.r2.toFixed(2)})`
      : 'ResLog: no line fitted',
    width: 460,
    height: 280,
    layer: [
      { data: { values: maps }, mark: { type: 'point', color: '#9ecae1' }, encoding: { x, y, tooltip } },
      {
        data: { values: means },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x, y, tooltip, color: { field: 'what', type: 'nominal', title: null } },
      },
      ...(line.length
        ? [
            {
              data: { values: line },
              mark: { type: 'line', color: '#d62728' },
              encoding: { x, y },
            },
          ]
        : []),
      ...(predictions.length
        ? [
            {
              data: { values: predictions },
              mark: { type: 'rule', color: '#d62728' },
              encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
            },
            {
              data: { values: predictions },
              mark: { type: 'point', shape: 'diamond', color: '#d62728', filled: true },
              encoding: { x, y, tooltip },
            },
          ]
        : []),
      {
        data: { values: [{ invD2: inv2(r.nyquistA), what: 'Nyquist' }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'invD2', type: 'quantitative' }, tooltip: [{ field: 'what' }] },
      },
    ],
  };
}

const VERDICT_COLORS = {
  domain: ['harmful', 'useful', 'neutral', 'too-small'],
  range: ['#c0392b', '#2b8a3e', '#555555', '#aaaaaa'],
};

/**
 * One row per group: the map without it (coloured by verdict) beside the maps without as many random particles
 * (each control and their range), and the map of all particles as a vertical line. Left of the controls (finer)
 * means leaving the group out helps.
 */
export function whatifSpec(w: WhatifResult): Spec {
  const measured = w.groups.filter((g) => g.resolutionWithoutA !== null);
  const label = (g: WhatifResult['groups'][number]): string =>
    `${g.name.length > 48 ? `${g.name.slice(0, 47)}…` : g.name} (${(100 * g.fraction).toFixed(0)} %)`;
  const without = measured.map((g) => ({
    group: label(g),
    resolutionA: g.resolutionWithoutA,
    verdict: g.verdict,
    effectA: g.effectA,
  }));
  const controls = measured.flatMap((g) =>
    g.controlResolutionsA.map((d) => ({ group: label(g), resolutionA: d, what: 'random control' })),
  );
  const ranges = measured
    .filter((g) => g.controlResolutionsA.length)
    .map((g) => ({
      group: label(g),
      lo: Math.min(...g.controlResolutionsA),
      hi: Math.max(...g.controlResolutionsA),
    }));
  // Maps of few particles can land far out (or never cross): the axis stops at twice the full map's resolution.
  const fullA = w.full.resolutionInterpolatedA ?? w.full.resolutionA ?? 0;
  const values = [...without.map((p) => p.resolutionA!), ...controls.map((p) => p.resolutionA), fullA];
  const domain = [0.9 * Math.min(...values), Math.min(Math.max(...values), 2 * fullA) * 1.05];
  const x = {
    field: 'resolutionA',
    type: 'quantitative',
    title: 'resolution (Å), FSC 0.143',
    scale: { domain, clamp: true },
  };
  const y = { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } };
  return {
    ...BASE,
    title: 'What each fix buys: the map without each group against random controls',
    width: 460,
    height: { step: 26 },
    layer: [
      {
        data: { values: ranges },
        mark: { type: 'rule', color: '#bbb', strokeWidth: 6 },
        encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
      },
      {
        data: { values: controls },
        mark: { type: 'tick', color: '#666', thickness: 2 },
        encoding: { y, x, tooltip: [{ field: 'what' }, { field: 'resolutionA', format: '.2f' }] },
      },
      {
        data: { values: without },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          y,
          x,
          color: { field: 'verdict', type: 'nominal', scale: VERDICT_COLORS, title: 'verdict' },
          tooltip: [
            { field: 'group' },
            { field: 'verdict' },
            { field: 'resolutionA', format: '.2f', title: 'without (Å)' },
            { field: 'effectA', format: '+.2f', title: 'effect (Å)' },
          ],
        },
      },
      {
        data: { values: [{ resolutionA: w.full.resolutionInterpolatedA, what: 'all particles' }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#2b59c3' },
        encoding: { x, tooltip: [{ field: 'what' }, { field: 'resolutionA', format: '.2f' }] },
      },
    ],
  };
}

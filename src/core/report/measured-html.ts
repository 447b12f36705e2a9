import type { MeasuredSection, Report } from './report.js';

/** The figures the measured section holds (drawn there, not among the evidence). */
export const MEASURED_FIGURES = new Set(['reslog', 'whatif']);

const VERDICT_TEXT: Record<string, string> = {
  harmful: 'harmful — leaving it out helps',
  useful: 'useful — it carries good data',
  neutral: 'neutral',
  'too-small': 'too small to measure',
};

/**
 * "What each fix buys": the what-if table (each flagged group against random controls), what is within reach, and
 * the ResLog reading; `figures` are the section's figures already rendered (or the page's slots).
 */
export function measuredSection(r: Report, esc: (s: string) => string, figures: string): string {
  const m = r.measured;
  if (!m) return '';
  const rl = m.reslog;
  const reslog =
    `<h3>ResLog</h3><p>${esc(rl.verdict)}</p>` +
    `<p class="thr">${rl.points.length} subset sizes from ${rl.points[0]?.particles ?? 0} to ${rl.particles} ` +
    `particles, ${rl.repeats} random order${rl.repeats > 1 ? 's' : ''} below the full set, each pair masked by ` +
    `${esc(m.mask)}.</p>`;
  const w = m.whatif;
  const body = w
    ? whatifBasis(m, w, esc) + whatifTable(w, esc) + figures + reachList(w, esc)
    : '<p>The what-if reconstructions could not run (see the warnings).</p>' + figures;
  return `<h2 id="measured">What each fix buys (measured)</h2>${body}${reslog}`;
}

type Whatif = NonNullable<MeasuredSection['whatif']>;
const d = (x: number | null): string => (x === null ? '—' : x.toFixed(2));

function whatifBasis(m: MeasuredSection, w: Whatif, esc: (s: string) => string): string {
  return (
    `<p class="thr">Measured on the particles: half maps rebuilt with their refined angles and CTFs (all ` +
    `${w.full.particles} particles: ${d(w.full.resolutionInterpolatedA)} Å), each pair masked by ` +
    `${esc(m.mask)} and measured as relion_postprocess; groups from the particle STAR` +
    (m.groupFiles.length ? ` and ${esc(m.groupFiles.join(', '))}` : '') +
    `; ${w.controls} random controls per group (seed ${w.seed}); ${Math.round(m.seconds)} s.</p>`
  );
}

function whatifTable(w: Whatif, esc: (s: string) => string): string {
  if (!w.groups.length)
    return '<p>No finding flagged a group of particles to leave out (give CTF, motion, class or pick files).</p>';
  const control = (g: Whatif['groups'][number]): string =>
    g.controlResolutionA === null ? '—' : `${d(g.controlResolutionA)} ± ${d(g.controlSpreadA)}`;
  const row = (g: Whatif['groups'][number]): string =>
    `<tr class="verdict-${esc(g.verdict)}"><td>${esc(g.name)}<br><span class="thr">${esc(g.rule)}</span></td>` +
    `<td class="num">${g.particles} (${(100 * g.fraction).toFixed(0)} %)</td>` +
    `<td class="num">${d(g.resolutionWithoutA)}</td><td class="num">${control(g)}</td>` +
    `<td class="num">${g.effectA === null ? '—' : `${g.effectA > 0 ? '+' : ''}${g.effectA.toFixed(2)}`}</td>` +
    `<td class="num">${d(g.projectedResolutionA)}</td>` +
    `<td><b>${esc(VERDICT_TEXT[g.verdict] ?? g.verdict)}</b><br><span class="thr">${esc(g.why)}</span></td></tr>`;
  return (
    '<table class="whatif"><thead><tr><th>group left out</th><th>particles</th><th>without (Å)</th>' +
    `<th>random control (Å, ± sd of ${w.controls})</th><th>effect (Å)</th><th>projected to all (Å)</th>` +
    `<th>verdict</th></tr></thead><tbody>${w.groups.map(row).join('')}</tbody></table>` +
    '<p class="thr">Effect: the random control’s resolution minus the map’s without the group; positive means ' +
    'leaving the group out helps beyond what losing that many particles costs. Projected: the map without the ' +
    'group brought back to the full particle count on the ResLog line.</p>'
  );
}

function reachList(w: Whatif, esc: (s: string) => string): string {
  if (!w.reach.length) return '';
  const item = (x: Whatif['reach'][number]): string =>
    `<li><b>${x.resolutionA === null ? 'beyond the last shell the maps hold' : `${d(x.resolutionA)} Å`}</b>` +
    (x.bandA && x.bandA[0] !== null && x.bandA[1] !== null ? ` (${d(x.bandA[0])}–${d(x.bandA[1])} Å)` : '') +
    ` ${esc(x.what)} <span class="kind kind-${esc(x.kind)}">` +
    `${esc(x.kind === 'typical' ? 'typical, not measured' : x.kind)}</span>` +
    `<br><span class="thr">${esc(x.basis)}</span></li>`;
  return `<h3>Within reach</h3><ul class="reach">${w.reach.map(item).join('')}</ul>`;
}

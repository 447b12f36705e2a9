/**
 * What leaving a group out did, against leaving out as many random particles (the control). The effect is read
 * on the FSC = 0.143 crossing interpolated between shells; the control's spread over its draws is the noise of the
 * measurement. A group is harmful when the map without it beats the control by more than twice that noise, useful
 * when it loses by as much; neutral only when the measurement could have seen a harmful group of this size (what
 * removing that many random particles costs is itself above twice the noise); otherwise too small to measure.
 */
export type Verdict = 'harmful' | 'neutral' | 'useful' | 'too-small';

/** Groups below this share of the particles cannot move the map measurably: reported, never judged. */
export const MIN_GROUP_FRACTION = 0.05;

export interface EffectInput {
  fraction: number;
  fullA: number;
  withoutA: number;
  controlA: number[];
  /** Width of one FSC shell at the full resolution, Å: the smallest spread credited (a quarter of it). */
  shellWidthA: number;
}

export interface Effect {
  controlResolutionA: number;
  controlSpreadA: number;
  /** Control mean − resolution without the group: > 0 when leaving the group out helps beyond chance. */
  effectA: number;
  /** What leaving out that many random particles costs (control mean − full). */
  removalCostA: number;
  /** The noise the verdict used: max(control SD, a quarter shell). */
  noiseA: number;
  verdict: Verdict;
  why: string;
}

export function groupEffect(e: EffectInput): Effect {
  const n = e.controlA.length;
  const mean = e.controlA.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(e.controlA.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const noiseA = Math.max(sd, 0.25 * e.shellWidthA);
  const effectA = mean - e.withoutA;
  const removalCostA = mean - e.fullA;
  const base = { controlResolutionA: mean, controlSpreadA: sd, effectA, removalCostA, noiseA };
  const f = (x: number): string => x.toFixed(2);
  if (effectA > 2 * noiseA)
    return {
      ...base,
      verdict: 'harmful',
      why: `without it the map is ${f(effectA)} Å better than without as many random particles (±${f(noiseA)} Å)`,
    };
  if (effectA < -2 * noiseA)
    return {
      ...base,
      verdict: 'useful',
      why: `without it the map is ${f(-effectA)} Å worse than without as many random particles (±${f(noiseA)} Å)`,
    };
  if (removalCostA >= 2 * noiseA)
    return {
      ...base,
      verdict: 'neutral',
      why:
        `leaving it out changes the map as leaving out as many random particles does (${f(effectA)} ± ${f(noiseA)} Å), ` +
        `and a useless group this size would have shown (${f(removalCostA)} Å)`,
    };
  return {
    ...base,
    verdict: 'too-small',
    why:
      `the controls scatter by ${f(noiseA)} Å, more than half of what leaving out this many particles can change ` +
      `(${f(removalCostA)} Å): the measurement cannot tell`,
  };
}

/**
 * A resolution measured on N − removed particles, brought to N with the ResLog slope a (1/d² = a·ln N + b):
 * what the map without the group would reach with as many good particles as the full set.
 */
export function projectToCount(resolutionA: number, fromParticles: number, toParticles: number, slope: number): number {
  const inv = 1 / resolutionA ** 2 + slope * Math.log(toParticles / fromParticles);
  return 1 / Math.sqrt(inv);
}

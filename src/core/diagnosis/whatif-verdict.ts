import { t975 } from '../analysis/budget/budget.js';

/**
 * What leaving a group out did, against leaving out as many random particles (the control). The effect is read
 * on the FSC = 0.143 crossing interpolated between shells; the controls' spread is the noise of one such map. The
 * map without the group is one more draw, so it must fall outside the controls' 95 % prediction interval
 * (t₀.₉₇₅,ₙ₋₁ · sd · √(1 + 1/n): 4.97 sd with 3 controls; twice the sd let a correct group on a clean simulated set
 * read "harmful"). Harmful when the map without the group beats the control by more, useful when it loses by more;
 * neutral only when the measurement could have seen a harmful group of this size (what removing that many random
 * particles costs is itself beyond the interval); otherwise too small to measure.
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
  /** The half-width of the 95 % prediction interval an effect must pass. */
  thresholdA: number;
  verdict: Verdict;
  why: string;
}

export function groupEffect(e: EffectInput): Effect {
  const n = e.controlA.length;
  const mean = e.controlA.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(e.controlA.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const noiseA = Math.max(sd, 0.25 * e.shellWidthA);
  const thresholdA = t975(Math.max(1, n - 1)) * noiseA * Math.sqrt(1 + 1 / n);
  const effectA = mean - e.withoutA;
  const removalCostA = mean - e.fullA;
  const base = { controlResolutionA: mean, controlSpreadA: sd, effectA, removalCostA, noiseA, thresholdA };
  const f = (x: number): string => x.toFixed(2);
  if (effectA > thresholdA)
    return {
      ...base,
      verdict: 'harmful',
      why:
        `without it the map is ${f(effectA)} Å better than without as many random particles ` +
        `(95 % of controls within ±${f(thresholdA)} Å)`,
    };
  if (effectA < -thresholdA)
    return {
      ...base,
      verdict: 'useful',
      why:
        `without it the map is ${f(-effectA)} Å worse than without as many random particles ` +
        `(95 % of controls within ±${f(thresholdA)} Å)`,
    };
  if (removalCostA >= thresholdA)
    return {
      ...base,
      verdict: 'neutral',
      why:
        `leaving it out changes the map as leaving out as many random particles does ` +
        `(${f(effectA)} Å, within ±${f(thresholdA)} Å), ` +
        `and a useless group this size would have shown (${f(removalCostA)} Å)`,
    };
  return {
    ...base,
    verdict: 'too-small',
    why:
      `the controls scatter too much (±${f(thresholdA)} Å) for what leaving out this many particles can change ` +
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

import type { Warning } from '../errors.js';
import type { CauseId } from './causes.js';
import type { Verdict } from './whatif-verdict.js';

/**
 * `cryodx whatif --json` (docs/whatif.md): the map of all particles, each group's map without it against its random
 * controls, and what is within reach. Read by the report (`report --measure`) and the ranked causes.
 */
export interface MeasuredMaps {
  particles: number;
  resolutionA: number | null;
  resolutionInterpolatedA: number | null;
  bfactorA2: number | null;
}

export interface GroupResult {
  id: string;
  name: string;
  rule: string;
  basis: string;
  cause: CauseId | null;
  /** The group is the population a finding flags: neutral here rules that cause out for those particles. */
  rulesOut: boolean;
  particles: number;
  fraction: number;
  resolutionWithoutA: number | null;
  bfactorWithoutA2: number | null;
  controlResolutionA: number | null;
  controlSpreadA: number | null;
  /** Each control draw's resolution, Å. */
  controlResolutionsA: number[];
  /** Control − without (Å): positive when leaving the group out helps beyond chance. */
  effectA: number | null;
  removalCostA: number | null;
  /** Half-width of the controls' 95 % prediction interval the verdict used, Å. */
  thresholdA: number | null;
  /** The map without the group, brought back to the full particle count with the ResLog slope. */
  projectedResolutionA: number | null;
  verdict: Verdict;
  why: string;
}

export interface ReachItem {
  what: string;
  resolutionA: number | null;
  bandA: [number | null, number | null] | null;
  /** 'measured' (a reconstruction), 'projected' (ResLog slope) or 'typical' (seed 000's ΔB, not measured). */
  kind: 'measured' | 'projected' | 'typical';
  basis: string;
}

export interface WhatifResult {
  full: MeasuredMaps;
  groups: GroupResult[];
  reach: ReachItem[];
  slope: { value: number; standardError: number | null; from: 'reslog' | 'controls' } | null;
  controls: number;
  seed: number;
  boxSize: number;
  pixelSizeA: number;
  symmetry: string;
  seconds: number;
  warnings: Warning[];
}

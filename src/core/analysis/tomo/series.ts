/**
 * Tilt series assembled from every file a user has about them (merge.ts) and measured (measure.ts): acquisition
 * scheme and centre, dose, the defocus course along the series, the fit resolution a tilt image can be expected to
 * reach at its tilt, the tilt axes of the sources side by side, and M's per-tilt B-factors beside the dose rule.
 * Pure measurement: the judgement (which tilt failed, which finding) is in diagnosis/tomo-triage.ts.
 */
export * from './merge.js';
export * from './measure.js';

/**
 * What one file says about one tilt series, in cryodx's units and conventions: angles in degrees, tilt-axis angles
 * as the source gives them (most measure from the image Y axis, counter-clockwise), doses in e/Å², defocus in Å
 * (positive = underfocus), resolutions in Å. A value the file does not hold — or holds only as a program's
 * "not computed" placeholder — is absent (undefined), never a number standing in for one.
 */
export interface TiltRecord {
  /** Position in the source's own table (0-based). */
  index: number;
  /** The image or movie the row is about, where the source names it (joins rows of different files). */
  image?: string;
  tiltDeg?: number;
  /** Exposure before this tilt (e/Å²). */
  preExposureEPerA2?: number;
  /** This tilt's own exposure (e/Å²). */
  doseEPerA2?: number;
  /** Acquisition order (0 = first), where the source records it. */
  acquisitionRank?: number;
  /** Per-tilt tilt-axis angle, where the source gives one per tilt. */
  axisDeg?: number;
  defocusUA?: number;
  defocusVA?: number;
  astigmatismAngleDeg?: number;
  fitResolutionA?: number;
  /** CTF fit score (CTFFIND's cross-correlation / rlnCtfFigureOfMerit). */
  ctfScore?: number;
  /** Per-tilt B-factor (Å², negative = damped; Warp/M GridDoseBfacs, rlnCtfBfactor). */
  bfactorA2?: number;
  /** Per-tilt weight a program applies (M's GridDoseWeights). */
  weight?: number;
  /** Alignment residual of this view (nm; IMOD tiltalign). */
  residualNm?: number;
  /** Accumulated motion of the tilt movie (RELION rlnAccumMotionTotal). */
  motionTotal?: number;
  /** The source marks the tilt as not used (Warp UseTilt False, AreTomo dark frame). */
  excluded?: string;
}

export type TiltSourceKind =
  | 'relion5-tilt-star'
  | 'relion-tomograms-star'
  | 'relion-ctf-star'
  | 'relion-motion-star'
  | 'warp-xml'
  | 'aretomo-ctf'
  | 'ctffind'
  | 'aretomo-aln'
  | 'aretomo-tlt'
  | 'aretomo-metrics'
  | 'imod-tlt'
  | 'imod-xf'
  | 'imod-align-log'
  | 'mdoc';

/** One file's view of one tilt series. */
export interface TiltSource {
  kind: TiltSourceKind;
  /** The file it came from. */
  file: string;
  /** The series' name where the source gives it (rlnTomoName, the file's stem …). */
  series?: string;
  tilts: TiltRecord[];
  /** The series' tilt axis as this source gives it (degrees), and how the source measures it. */
  axisDeg?: number;
  axisMeaning?: string;
  pixelSizeA?: number;
  voltageKv?: number;
  /** Specimen thickness (Å), where the source measured it. */
  thicknessA?: number;
  /** A whole-series CTF resolution estimate (Å). */
  ctfResolutionA?: number;
  /** A constant tilt-angle offset the source applied or fitted (degrees). */
  tiltOffsetDeg?: number;
  /** Fields holding a "not computed" placeholder, read as absent: "field: value (rows)". */
  placeholders: string[];
  /** Files this one refers to (a tomograms.star's per-series STARs), as written. */
  references?: string[];
}

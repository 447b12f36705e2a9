/**
 * Every RELION STAR label cryodx reads or writes, named once with its value type and unit, as RELION's
 * metadata_label.h declares them. Readers and writers refer to `RLN.defocusU` …, never to a spelled-out
 * 'rlnDefocusU' (test/labels.test.ts fails on such a literal anywhere else in src/), so that a label's spelling,
 * its unit and the traps in its unit live in one place. The key is the label without its `rln` prefix; the
 * compiler checks that the two agree.
 */

/** How RELION stores a label's value (EMDL_INT, EMDL_DOUBLE, EMDL_STRING, EMDL_BOOL, EMDL_DOUBLE_VECTOR). */
export type LabelType = 'int' | 'double' | 'string' | 'bool' | 'double[]';

export interface LabelInfo<L extends string = string> {
  /** The label as a STAR file spells it, without the leading '_'. */
  label: L;
  type: LabelType;
  /** The unit of the value as the file holds it ('' for names, counts, flags and plain numbers). */
  unit: string;
  /** What the value is, in a phrase. */
  about: string;
}

function l<L extends string>(label: L, type: LabelType, unit: string, about: string): LabelInfo<L> {
  return { label, type, unit, about };
}

/** The compiler's check that each key is its label without `rln` (defocusU ↔ rlnDefocusU). */
function checked<T extends { [K in keyof T]: LabelInfo<`rln${Capitalize<K & string>}`> }>(table: T): T {
  return table;
}

/** The table: key = the label without `rln`, first letter lower-case. */
export const LABELS = checked({
  // Motion correction (corrected_micrographs.star and each micrograph's own STAR).
  accumMotionEarly: l(
    'rlnAccumMotionEarly',
    'double',
    'px',
    'global motion over the early frames (unbinned pixels, though RELION calls it Å)',
  ),
  accumMotionLate: l('rlnAccumMotionLate', 'double', 'px', 'global motion over the later frames (unbinned pixels)'),
  accumMotionTotal: l('rlnAccumMotionTotal', 'double', 'px', 'global motion over the whole movie (unbinned pixels)'),
  micrographMetadata: l('rlnMicrographMetadata', 'string', '', "path of a micrograph's own motion STAR"),
  micrographShiftX: l('rlnMicrographShiftX', 'double', 'px', 'global shift of a frame along x (unbinned pixels)'),
  micrographShiftY: l('rlnMicrographShiftY', 'double', 'px', 'global shift of a frame along y (unbinned pixels)'),
  micrographFrameNumber: l('rlnMicrographFrameNumber', 'int', '', 'frame number of a shift (1-based)'),
  micrographDoseRate: l('rlnMicrographDoseRate', 'double', 'e⁻/Å² per frame', 'exposure of one frame'),
  micrographPreExposure: l('rlnMicrographPreExposure', 'double', 'e⁻/Å²', 'exposure before this image (or tilt)'),
  micrographOriginalPixelSize: l(
    'rlnMicrographOriginalPixelSize',
    'double',
    'Å',
    'pixel size of the movie before binning',
  ),
  micrographPixelSize: l('rlnMicrographPixelSize', 'double', 'Å', 'pixel size of the motion-corrected micrograph'),
  micrographMovieName: l('rlnMicrographMovieName', 'string', '', 'path of the movie'),
  micrographName: l('rlnMicrographName', 'string', '', 'path of the micrograph'),
  micrographIceThickness: l(
    'rlnMicrographIceThickness',
    'double',
    'Å',
    'ice thickness (CTFFIND5; cryodx writes it too)',
  ),
  movieFrameNumber: l('rlnMovieFrameNumber', 'int', '', 'frame of a movie (polishing per-frame tables)'),

  // CTF (micrographs_ctf.star, particles, optics groups).
  defocusU: l('rlnDefocusU', 'double', 'Å', 'defocus along the major axis, positive = underfocus'),
  defocusV: l('rlnDefocusV', 'double', 'Å', 'defocus along the minor axis, positive = underfocus'),
  defocusAngle: l('rlnDefocusAngle', 'double', '°', 'azimuth of the U axis from the image x axis'),
  ctfAstigmatism: l('rlnCtfAstigmatism', 'double', 'Å', '|defocus U − defocus V|'),
  phaseShift: l('rlnPhaseShift', 'double', '°', 'phase-plate phase shift (degrees, where cryodx uses radians)'),
  ctfBfactor: l('rlnCtfBfactor', 'double', 'Å²', 'CTF envelope exp(−B k²/4); positive damps'),
  ctfScalefactor: l('rlnCtfScalefactor', 'double', '', 'scale of the CTF (0 … 1)'),
  ctfMaxResolution: l('rlnCtfMaxResolution', 'double', 'Å', 'finest resolution the fitted Thon rings reach'),
  ctfFigureOfMerit: l('rlnCtfFigureOfMerit', 'double', '', "the fit's cross-correlation (CTFFIND)"),
  voltage: l('rlnVoltage', 'double', 'kV', 'acceleration voltage'),
  sphericalAberration: l('rlnSphericalAberration', 'double', 'mm', 'spherical aberration Cs'),
  amplitudeContrast: l('rlnAmplitudeContrast', 'double', 'fraction', 'amplitude contrast (0.1 = 10 %)'),
  magnification: l(
    'rlnMagnification',
    'double',
    '×',
    'magnification at the detector (RELION 3.0: pixel = detector pixel / this)',
  ),
  detectorPixelSize: l('rlnDetectorPixelSize', 'double', 'µm', 'physical detector pixel (RELION 3.0)'),
  ctfIceThickness: l('rlnCtfIceThickness', 'double', 'Å', 'ice thickness from the CTF fit (RELION 5)'),
  ctfDataArePhaseFlipped: l('rlnCtfDataArePhaseFlipped', 'bool', '', 'the images were phase-flipped'),
  ctfDataAreCtfPremultiplied: l('rlnCtfDataAreCtfPremultiplied', 'bool', '', 'the images were multiplied by their CTF'),

  // Optics groups and higher-order aberrations (CTF refinement).
  opticsGroup: l('rlnOpticsGroup', 'int', '', 'optics group of a particle or micrograph (1-based)'),
  opticsGroupName: l('rlnOpticsGroupName', 'string', '', 'name of an optics group'),
  imagePixelSize: l('rlnImagePixelSize', 'double', 'Å', 'pixel size of the particle images'),
  imageSize: l('rlnImageSize', 'int', 'px', 'box size of the particle images'),
  imageDimensionality: l('rlnImageDimensionality', 'int', '', '2 for images, 3 for subtomograms'),
  beamTiltX: l('rlnBeamTiltX', 'double', 'mrad', 'beam tilt along x'),
  beamTiltY: l('rlnBeamTiltY', 'double', 'mrad', 'beam tilt along y'),
  oddZernike: l('rlnOddZernike', 'double[]', 'Å', 'antisymmetric Zernike coefficients (beam tilt, trefoil …)'),
  evenZernike: l('rlnEvenZernike', 'double[]', 'Å', 'symmetric Zernike coefficients (Z₄⁰ = spherical aberration …)'),
  magMat00: l('rlnMagMat00', 'double', '', 'anisotropic magnification matrix, row 1 column 1'),
  magMat01: l('rlnMagMat01', 'double', '', 'anisotropic magnification matrix, row 1 column 2'),
  magMat10: l('rlnMagMat10', 'double', '', 'anisotropic magnification matrix, row 2 column 1'),
  magMat11: l('rlnMagMat11', 'double', '', 'anisotropic magnification matrix, row 2 column 2'),
  mtfFileName: l('rlnMtfFileName', 'string', '', "path of the detector MTF's STAR file"),

  // Particles.
  imageName: l('rlnImageName', 'string', '', 'particle image as NNNNNN@stack.mrcs (1-based)'),
  angleRot: l('rlnAngleRot', 'double', '°', 'first Euler angle (ZYZ)'),
  angleTilt: l('rlnAngleTilt', 'double', '°', 'second Euler angle (ZYZ)'),
  anglePsi: l('rlnAnglePsi', 'double', '°', 'third Euler angle, in plane (ZYZ)'),
  originX: l('rlnOriginX', 'double', 'px', 'shift of the particle along x (RELION 3.0)'),
  originY: l('rlnOriginY', 'double', 'px', 'shift of the particle along y (RELION 3.0)'),
  originXAngst: l('rlnOriginXAngst', 'double', 'Å', 'shift of the particle along x (RELION ≥ 3.1)'),
  originYAngst: l('rlnOriginYAngst', 'double', 'Å', 'shift of the particle along y (RELION ≥ 3.1)'),
  coordinateX: l('rlnCoordinateX', 'double', 'px', 'particle centre x in its micrograph (or tomogram)'),
  coordinateY: l('rlnCoordinateY', 'double', 'px', 'particle centre y in its micrograph (or tomogram)'),
  coordinateZ: l('rlnCoordinateZ', 'double', 'px', 'particle centre z in its tomogram'),
  centeredCoordinateXAngst: l('rlnCenteredCoordinateXAngst', 'double', 'Å', 'particle x from the tomogram centre'),
  centeredCoordinateYAngst: l('rlnCenteredCoordinateYAngst', 'double', 'Å', 'particle y from the tomogram centre'),
  centeredCoordinateZAngst: l('rlnCenteredCoordinateZAngst', 'double', 'Å', 'particle z from the tomogram centre'),
  randomSubset: l('rlnRandomSubset', 'int', '', 'half set of a particle: 1 or 2'),
  classNumber: l('rlnClassNumber', 'int', '', 'class the particle is likeliest in (1-based)'),
  maxValueProbDistribution: l('rlnMaxValueProbDistribution', 'double', 'probability', "the particle's best posterior"),
  nrOfSignificantSamples: l('rlnNrOfSignificantSamples', 'int', '', 'orientations × classes carrying the particle'),

  // Refinement and classification (run_itNNN_model.star, _optimiser.star).
  classDistribution: l('rlnClassDistribution', 'double', 'fraction', "a class's share of the particles"),
  accuracyRotations: l('rlnAccuracyRotations', 'double', '°', 'how finely a class can be oriented'),
  accuracyTranslations: l('rlnAccuracyTranslations', 'double', 'px', 'how finely a class can be centred (RELION 3.0)'),
  accuracyTranslationsAngst: l('rlnAccuracyTranslationsAngst', 'double', 'Å', 'how finely a class can be centred'),
  estimatedResolution: l('rlnEstimatedResolution', 'double', 'Å', "a class's estimated resolution"),
  referenceDimensionality: l('rlnReferenceDimensionality', 'int', '', '2 (2D classes) or 3 (3D)'),
  averagePmax: l('rlnAveragePmax', 'double', 'probability', 'mean over particles of the best posterior'),
  changesOptimalClasses: l(
    'rlnChangesOptimalClasses',
    'double',
    'fraction',
    'particles that changed class in the last iteration',
  ),
  currentResolution: l('rlnCurrentResolution', 'double', '1/Å', "a refinement's current resolution (a frequency)"),
  pixelSize: l('rlnPixelSize', 'double', 'Å', 'pixel size of the references'),
  spectralIndex: l('rlnSpectralIndex', 'int', 'px', 'Fourier shell index'),
  resolution: l('rlnResolution', 'double', '1/Å', 'spatial frequency of a shell'),
  angstromResolution: l('rlnAngstromResolution', 'double', 'Å', 'resolution of a shell'),
  resolutionInversePixel: l('rlnResolutionInversePixel', 'double', '1/px', 'spatial frequency (Nyquist = 0.5)'),

  // Post-processing (postprocess.star) and the MTF.
  finalResolution: l('rlnFinalResolution', 'double', 'Å', 'resolution at FSC = 0.143 of the corrected curve'),
  bfactorUsedForSharpening: l('rlnBfactorUsedForSharpening', 'double', 'Å²', 'sharpening B; negative sharpens'),
  fittedSlopeGuinierPlot: l('rlnFittedSlopeGuinierPlot', 'double', 'Å²', 'slope of ln|F| against 1/d² (B / 4)'),
  fittedInterceptGuinierPlot: l(
    'rlnFittedInterceptGuinierPlot',
    'double',
    'ln amplitude',
    'intercept of the Guinier fit',
  ),
  correlationFitGuinierPlot: l('rlnCorrelationFitGuinierPlot', 'double', '', 'r² of the Guinier fit'),
  randomiseFrom: l('rlnRandomiseFrom', 'double', 'Å', 'resolution from which phases were randomised'),
  particleBoxFractionSolventMask: l(
    'rlnParticleBoxFractionSolventMask',
    'double',
    'fraction',
    'particle fraction of the box, from the mask',
  ),
  maskName: l('rlnMaskName', 'string', '', 'path of the mask'),
  unfilteredMapHalf1: l('rlnUnfilteredMapHalf1', 'string', '', 'path of half map 1'),
  unfilteredMapHalf2: l('rlnUnfilteredMapHalf2', 'string', '', 'path of half map 2'),
  fourierShellCorrelationCorrected: l(
    'rlnFourierShellCorrelationCorrected',
    'double',
    '',
    'FSC corrected for the mask (phase randomisation)',
  ),
  fourierShellCorrelationMaskedMaps: l(
    'rlnFourierShellCorrelationMaskedMaps',
    'double',
    '',
    'FSC of the masked half maps',
  ),
  fourierShellCorrelationUnmaskedMaps: l(
    'rlnFourierShellCorrelationUnmaskedMaps',
    'double',
    '',
    'FSC of the unmasked half maps',
  ),
  correctedFourierShellCorrelationPhaseRandomizedMaskedMaps: l(
    'rlnCorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps',
    'double',
    '',
    'FSC of the phase-randomised half maps, masked',
  ),
  fourierShellCorrelationParticleMaskFraction: l(
    'rlnFourierShellCorrelationParticleMaskFraction',
    'double',
    '',
    'unmasked FSC scaled by the mask fraction (Part_FSC)',
  ),
  fourierShellCorrelationParticleMolWeight: l(
    'rlnFourierShellCorrelationParticleMolWeight',
    'double',
    '',
    'unmasked FSC scaled by the molecular weight (Part_FSC)',
  ),
  resolutionSquared: l('rlnResolutionSquared', 'double', '1/Å²', 'x of the Guinier plot'),
  logAmplitudesOriginal: l('rlnLogAmplitudesOriginal', 'double', 'ln amplitude', 'Guinier plot: the input map'),
  logAmplitudesMTFCorrected: l(
    'rlnLogAmplitudesMTFCorrected',
    'double',
    'ln amplitude',
    'Guinier plot: after MTF division',
  ),
  logAmplitudesWeighted: l('rlnLogAmplitudesWeighted', 'double', 'ln amplitude', 'Guinier plot: after FSC weighting'),
  logAmplitudesSharpened: l('rlnLogAmplitudesSharpened', 'double', 'ln amplitude', 'Guinier plot: after sharpening'),
  logAmplitudesIntercept: l('rlnLogAmplitudesIntercept', 'double', 'ln amplitude', 'Guinier plot: the fitted line'),
  mtfValue: l('rlnMtfValue', 'double', '', 'detector MTF (0 … 1)'),
  localResolution: l(
    'rlnLocalResolution',
    'double',
    'Å',
    "local resolution at a sample point (cryodx's locres.star; not in RELION's table)",
  ),

  // Pipeline and jobs (default_pipeline.star, job.star).
  pipeLineProcessName: l('rlnPipeLineProcessName', 'string', '', "a job's folder (Refine3D/job019/)"),
  pipeLineProcessAlias: l('rlnPipeLineProcessAlias', 'string', '', "a job's alias"),
  pipeLineProcessType: l('rlnPipeLineProcessType', 'int', '', 'job type as a number (RELION 3)'),
  pipeLineProcessTypeLabel: l('rlnPipeLineProcessTypeLabel', 'string', '', 'job type as a name (RELION 4–5)'),
  pipeLineProcessStatus: l('rlnPipeLineProcessStatus', 'int', '', 'job status as a number (RELION 3)'),
  pipeLineNodeName: l('rlnPipeLineNodeName', 'string', '', 'a file the pipeline knows (job_pipeline.star)'),
  pipeLineProcessStatusLabel: l('rlnPipeLineProcessStatusLabel', 'string', '', 'job status as a name (RELION 4–5)'),
  jobType: l('rlnJobType', 'int', '', 'job type as a number (job.star, RELION 3)'),
  jobTypeLabel: l('rlnJobTypeLabel', 'string', '', 'job type as a name (job.star)'),
  jobOptionVariable: l('rlnJobOptionVariable', 'string', '', "a job option's name"),
  jobOptionValue: l('rlnJobOptionValue', 'string', '', "a job option's value"),

  // Tomography (RELION 4–5 tilt-series and tomogram STARs).
  tomoName: l('rlnTomoName', 'string', '', 'name of a tilt series / tomogram'),
  tomoTiltSeriesStarFile: l('rlnTomoTiltSeriesStarFile', 'string', '', "path of a tilt series' own STAR"),
  tomoTiltSeriesPixelSize: l('rlnTomoTiltSeriesPixelSize', 'double', 'Å', 'pixel size of the tilt series'),
  tomoTiltMovieFile: l('rlnTomoTiltMovieFile', 'string', '', "path of a tilt's movie"),
  tomoNominalStageTiltAngle: l('rlnTomoNominalStageTiltAngle', 'double', '°', 'stage tilt as recorded'),
  tomoNominalTiltAxisAngle: l(
    'rlnTomoNominalTiltAxisAngle',
    'double',
    '°',
    'tilt axis as recorded, from the image y axis',
  ),
  tomoXTilt: l('rlnTomoXTilt', 'double', '°', 'refined rotation about x'),
  tomoYTilt: l('rlnTomoYTilt', 'double', '°', 'refined rotation about y (the tilt)'),
  tomoZRot: l('rlnTomoZRot', 'double', '°', 'refined rotation about z (the axis)'),
  tomoProjX: l('rlnTomoProjX', 'double[]', '', 'projection matrix, row 1 (RELION 4)'),
  tomoProjY: l('rlnTomoProjY', 'double[]', '', 'projection matrix, row 2 (RELION 4)'),
  tomoProjZ: l('rlnTomoProjZ', 'double[]', '', 'projection matrix, row 3 (RELION 4)'),
  tomoProjW: l('rlnTomoProjW', 'double[]', '', 'projection matrix, row 4 (RELION 4)'),
  tomoParticleId: l('rlnTomoParticleId', 'int', '', 'subtomogram particle number'),
  tomoTiltIndex: l(
    'rlnTomoTiltIndex',
    'int',
    '',
    "1-based index of a tilt in its stack (cryodx's tilt-series STAR; not in RELION's table)",
  ),
});

export type LabelKey = keyof typeof LABELS;

/** The labels' spellings: `RLN.defocusU === 'rlnDefocusU'`. */
export const RLN = Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, v.label])) as {
  readonly [K in LabelKey]: (typeof LABELS)[K]['label'];
};

/**
 * The jobs behind every user-facing operation: bytes and typed options in, `{ result, outputs,
 * warnings }` out. The CLI and the browser app are thin front ends over these.
 */
export * from './job.js';
export * from './options.js';
export * from './maps.js';
export { fscJob, type FscJobInput } from './fsc.js';
export { postprocessJob, type PostprocessJobInput } from './postprocess.js';
export { locresJob, type LocresJobInput, type LocresJobResult } from './locres.js';
export { anisotropyJob, type AnisotropyJobInput, type AnisotropyJobResult } from './anisotropy.js';
export { orientationsJob, checkSymmetry, type OrientationsJobInput } from './orientations.js';
export { budgetJob, parsePoint, type BudgetJobInput, type BudgetJobResult } from './budget.js';
export { calibrateJob, type CalibrateJobInput, type CalibrateJobResult } from './calibrate.js';
export { ctfJob, fitMicrograph, type MicrographFit } from './ctf.js';
export { micrographFitOptions, outputStems, type CtfJobOptions, type MicrographFitOptions } from './ctf-run.js';
export { ctfFromBytes, ctfFromFiles } from './ctf-results.js';
export { ctfReportJob, type CtfReportJobInput } from './ctf-report.js';
export {
  prepareTiltSeries,
  fitTiltsSerially,
  tiltCtfJob,
  type TiltCtfJobInput,
  type PreparedTiltSeries,
} from './tilt-ctf.js';
export { tomoReportJob, relionTomoStar, type TomoReportJobInput, type TomoReportResult } from './tomo-report.js';
export { reportJob, type ReportJobInput, type ReportJobResult, type ReportFigure } from './report.js';
export { inspectFile, type DroppedFileSummary } from './inspect.js';
export { demoInputs, type DemoInputs } from './demo.js';
export { particleAngles, particleStar } from './particles.js';

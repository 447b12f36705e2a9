/**
 * The jobs behind every user-facing operation: bytes and typed options in, `{ result, outputs,
 * warnings }` out. The CLI and the browser app are thin front ends over these.
 */
export * from './job.js';
export * from './inputs/options.js';
export * from './inputs/maps.js';
export { fscJob, type FscJobInput } from './jobs/fsc.js';
export { postprocessJob, type PostprocessJobInput } from './jobs/postprocess.js';
export { locresJob, type LocresJobInput, type LocresJobResult } from './jobs/locres.js';
export { anisotropyJob, type AnisotropyJobInput, type AnisotropyJobResult } from './jobs/anisotropy.js';
export { orientationsJob, checkSymmetry, type OrientationsJobInput } from './jobs/orientations.js';
export { budgetJob, parsePoint, type BudgetJobInput, type BudgetJobResult } from './jobs/budget.js';
export { calibrateJob, type CalibrateJobInput, type CalibrateJobResult } from './jobs/calibrate.js';
export { ctfJob, fitMicrograph, type MicrographFit } from './jobs/ctf.js';
export { micrographFitOptions, outputStems, type CtfJobOptions, type MicrographFitOptions } from './jobs/ctf-run.js';
export { ctfFromBytes, ctfFromFiles } from './inputs/ctf-results.js';
export { ctfReportJob, type CtfReportJobInput } from './jobs/ctf-report.js';
export {
  prepareTiltSeries,
  fitTiltsSerially,
  tiltCtfJob,
  type TiltCtfJobInput,
  type PreparedTiltSeries,
} from './jobs/tilt-ctf.js';
export { tomoReportJob, relionTomoStar, type TomoReportJobInput, type TomoReportResult } from './jobs/tomo-report.js';
export { reportJob, type ReportJobInput, type ReportJobResult, type ReportFigure } from './report/report.js';
export { inspectFile, type DroppedFileSummary } from './jobs/inspect.js';
export { demoInputs, type DemoInputs } from './jobs/demo.js';
export { particleAngles, particleStar } from './inputs/particles.js';

import { HAS_SHARED, SHARED } from './paths.js';

/** Says once, at the top of the run, when the extra checks on ../shared data are skipped. */
export default function setup(): void {
  if (!HAS_SHARED) {
    process.stdout.write(
      `\nnote: ${SHARED} is not beside this checkout: the extra checks on its real and reference data are skipped ` +
        `(marked skipped below); everything else runs on fixtures/.\n\n`,
    );
  }
}

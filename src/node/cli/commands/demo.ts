import type { Command } from 'commander';
import { summarizeFile } from '../../../core/io/summary.js';
import { readInput } from '../../files.js';
import { exampleFile } from '../../paths.js';
import { fmt, printJson, table } from '../output.js';

/**
 * For now the demo reads the bundled example map (EMDB entry 3197) and prints its summary;
 * the full diagnosis report on a simulated dataset replaces it when the report lands.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run cryodx on the built-in example and print what it found')
    .option('--json', 'print one JSON object to stdout')
    .addHelpText('after', '\nExample:\n  cryodx demo')
    .action(async (opts: { json?: boolean }) => {
      const path = exampleFile('emd_3197.map.gz');
      const { summary, warnings } = summarizeFile(path, await readInput(path));
      if (opts.json) return printJson({ file: path, ...summary, warnings });
      if (summary.format !== 'mrc') throw new Error('bundled example is not a map');
      process.stdout.write(
        `cryodx demo: example map EMD-3197 (bundled)\n\n` +
          table([
            ['file', path],
            ['size (x, y, z)', `${summary.nx} × ${summary.ny} × ${summary.nz}`],
            ['pixel size (Å)', summary.pixelSizeA ? summary.pixelSizeA.map((p) => fmt(p)).join(', ') : 'unknown'],
            ['box edge (Å)', summary.pixelSizeA ? fmt(summary.nx * summary.pixelSizeA[0]) : 'unknown'],
            ['Nyquist (Å)', summary.pixelSizeA ? fmt(2 * summary.pixelSizeA[0]) : 'unknown'],
            ['density min / max', `${fmt(summary.min)} / ${fmt(summary.max)}`],
            ['density mean / rms', `${fmt(summary.mean)} / ${fmt(summary.rms)}`],
          ]) +
          '\n\nNext: cryodx info <your map> — and, as they land, fsc / postprocess / report.\n',
      );
    });
}

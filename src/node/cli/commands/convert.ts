import type { Command } from 'commander';
import { FormatError } from '../../../core/errors.js';
import { csToStar } from '../../../core/io/cryosparc/convert.js';
import { detectFormat } from '../../../core/io/detect.js';
import { maybeGunzip } from '../../../core/io/bytes.js';
import { readMrc } from '../../../core/io/mrc/read.js';
import { writeMrc } from '../../../core/io/mrc/write.js';
import { readNpy } from '../../../core/io/npy.js';
import { documentToTables, writeStar } from '../../../core/io/star/write.js';
import { readStar } from '../../../core/io/star/read.js';
import { InputError, readInput, writeOutputAtomic } from '../../files.js';
import { warn } from '../output.js';

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert a map to a standard float32 MRC (axis order 1,2,3), or a cryoSPARC .cs to a RELION 3.1 STAR')
    .argument('<in>', 'input: a map (.mrc .map .ccp4 .gz …) or a cryoSPARC particle .cs')
    .argument('<out>', 'output: .mrc for maps, .star for .cs files (never one of the inputs)')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx convert emd_3197.map.gz emd_3197.mrc\n  cryodx convert P1_J42_particles.cs particles.star',
    )
    .action(async (input: string, output: string) => {
      const bytes = maybeGunzip(await readInput(input), input);
      const fmt = detectFormat(input, bytes.subarray(0, 4096));
      if (fmt === 'mrc') {
        if (!/\.(mrc|map|mrcs)$/i.test(output))
          throw new InputError(`${output}: a map converts to MRC; give the output a .mrc name`);
        const f = readMrc(bytes, { source: input });
        // A converted map is an output like any other: no NaN or infinite voxel goes into it.
        const bad = f.volume.data.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
        if (bad)
          throw new FormatError(`${bad} voxels are NaN or infinite`, {
            source: input,
            expected: 'finite values (convert writes none other)',
            hint: 'The file is damaged or was written by a failed job; re-run the job that made it',
          });
        f.warnings.forEach((w) => warn(w.message));
        await writeOutputAtomic(
          output,
          writeMrc(f.volume, {
            labels: [...f.labels.slice(0, 9), `cryodx convert from ${input}`.slice(0, 80)],
            ispg: f.header.ispg,
          }),
          [input],
        );
      } else if (fmt === 'npy') {
        if (!/\.star$/i.test(output))
          throw new InputError(`${output}: a .cs file converts to STAR; give the output a .star name`);
        const { tables, warnings } = csToStar(readNpy(bytes, input), input);
        warnings.forEach((w) => warn(w.message));
        await writeOutputAtomic(output, writeStar(tables), [input]);
      } else if (fmt === 'star') {
        if (!/\.star$/i.test(output))
          throw new InputError(`${output}: a STAR file is rewritten as STAR; give the output a .star name`);
        await writeOutputAtomic(output, writeStar(documentToTables(readStar(bytes, { source: input }))), [input]);
      } else {
        throw new InputError(
          `${input}: cannot convert this file type (${fmt ?? 'unrecognised'}); convert takes maps and cryoSPARC ` +
            `.cs files`,
        );
      }
      process.stderr.write(`wrote ${output}\n`);
    });
}

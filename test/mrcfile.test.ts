import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasPythonModules, runPython } from './python.js';
import { createVolume } from '../src/core/model/volume.js';
import { writeMrc } from '../src/core/io/mrc/write.js';

const haveMrcfile = hasPythonModules('mrcfile', 'numpy');

describe.skipIf(!haveMrcfile)('files cryodx writes pass mrcfile.validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cryodx-mrc-'));
  for (const mode of [0, 1, 2, 6, 12] as const) {
    it(`mode ${mode}`, () => {
      const v = createVolume(6, 5, 4, [0.83, 0.83, 0.83]);
      v.data.forEach((_, i) => (v.data[i] = (i * 7) % 50));
      const path = join(dir, `m${mode}.mrc`);
      writeFileSync(path, writeMrc(v, { mode }));
      const out = runPython(
        'import sys, io, mrcfile, numpy as np\n' +
          'buf = io.StringIO()\n' +
          'ok = mrcfile.validate(sys.argv[1], print_file=buf)\n' +
          'm = mrcfile.open(sys.argv[1])\n' +
          'print(ok, m.data.shape, float(m.voxel_size.x), float(np.asarray(m.data, dtype=np.float64).sum()), ' +
          'buf.getvalue().replace(chr(10), " | "))',
        [path],
      );
      const sum = Array.from(v.data).reduce((a, b) => a + b, 0);
      const [ok, shape, px, total] = out.trim().split(/ (?![^(]*\))/);
      expect([ok, shape, total]).toEqual(['True', '(4, 5, 6)', `${sum}.0`]);
      expect(Number(px)).toBeCloseTo(0.83, 6);
      expect(out).toContain('File appears to be valid');
    });
  }
});

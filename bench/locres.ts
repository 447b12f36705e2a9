/**
 * Local resolution beside relion_postprocess --locres, same maps, same sampling (25 Å), one run.
 * Maps: ../shared/data/relion-1tii-128 (128³, 1.1 Å/px). Run: npm run bench:locres
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordTarget } from './targets.js';

const shared = join(import.meta.dirname, '..', '..', 'shared', 'data', 'relion-1tii-128');
if (!existsSync(shared)) {
  console.log(`missing ${shared}: the locres benchmark uses the shared RELION reference maps`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'cryodx-bench-locres-'));
for (const f of ['half1.mrc', 'half2.mrc', 'mask.mrc']) symlinkSync(join(shared, f), join(dir, f));
const cli = join(import.meta.dirname, '..', 'dist', 'node', 'cli', 'main.js');
const time = (cmd: string, args: string[]): number | null => {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`  ${cmd} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
    return null;
  }
  return (performance.now() - t) / 1000;
};
const ours = time(process.execPath, [
  cli,
  'locres',
  'half1.mrc',
  'half2.mrc',
  '--mask',
  'mask.mrc',
  '--out',
  'lr_cryodx',
  '--json',
]);
let relion: number | null = null;
if (spawnSync('sh', ['-c', 'command -v relion_postprocess']).status === 0) {
  mkdirSync(join(dir, 'lr'));
  relion = time('relion_postprocess', [
    '--i',
    'half1.mrc',
    '--i2',
    'half2.mrc',
    '--o',
    'lr/relion',
    '--angpix',
    '1.1',
    '--locres',
  ]);
} else console.log('  relion not installed (apt-get install relion): reference skipped');
console.log('\n| what | cryodx (s) | reference | reference (s) | cryodx / reference |');
console.log('| --- | ---: | --- | ---: | ---: |');
console.log(
  `| local resolution 128³, 25 Å sampling, 54 windows (cryodx locres --mask, whole command incl. the global FSC) | ` +
    `${ours?.toFixed(2) ?? '—'} | relion_postprocess --locres | ${relion?.toFixed(2) ?? '—'} | ` +
    `${ours && relion ? (ours / relion).toFixed(2) : '—'} |`,
);
recordTarget({
  what: 'cryodx locres --mask 128³ (whole command)',
  cryodxS: ours,
  reference: 'relion_postprocess --locres',
  referenceS: relion,
  maxRatio: 0.25,
});

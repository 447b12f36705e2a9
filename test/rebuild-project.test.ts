import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryodxIn } from './cli.js';
import { HAS_SHARED, shared } from './paths.js';

/**
 * reslog and whatif --project on the real RELION 3.1 tutorial project (../shared). The project holds every job's
 * STAR but no images, so the refinement's particles are the 428 real images of betagal-particles (the tutorial's
 * own refined angles, defocus and half sets), placed in the project as an Extract job and named by
 * Refine3D/job029/run_data.star, with RELION's half maps and mask of those particles as the refinement's and
 * MaskCreate/job020's. Everything else (CTFFIND, motion, Class3D, the D2 symmetry) is the tutorial's.
 */
function project(withImages: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'cryodx-rebuild-project-'));
  execFileSync('tar', ['-xJf', shared('data/real/relion-tutorial-3.1/relion_tutorial_files.tar.xz'), '-C', dir]);
  if (!withImages) return dir;
  const b = (f: string): string => shared('data/real/betagal-particles', f);
  mkdirSync(join(dir, 'Extract/job018/Movies'), { recursive: true });
  for (const m of [21, 22, 23, 24, 25]) {
    const stack = `20170629_000${m}_frameImage.mrcs`;
    symlinkSync(b(`Movies/${stack}`), join(dir, 'Extract/job018/Movies', stack));
  }
  const star = readFileSync(b('particles.star'), 'utf8').replace(/@Movies\//g, '@Extract/job018/Movies/');
  writeFileSync(join(dir, 'Refine3D/job029/run_data.star'), star);
  copyFileSync(b('relion/mask.mrc'), join(dir, 'MaskCreate/job020/mask.mrc'));
  for (const h of [1, 2])
    copyFileSync(b(`relion/half${h}.mrc`), join(dir, `Refine3D/job029/run_half${h}_class001_unfil.mrc`));
  return dir;
}

describe.skipIf(!HAS_SHARED)('reslog and whatif --project (the RELION tutorial project, ../shared)', () => {
  it('whatif finds the particles, D2, the mask, CTFFIND, motion and Class3D; reslog the same; flags win', () => {
    const dir = project(true);
    const w = cryodxIn(dir, 'whatif', '--project', '.', '--controls', '2');
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/From the project: .*particles Refine3D\/job029\/run_data\.star/);
    expect(w.stdout).toMatch(/mask MaskCreate\/job020\/mask\.mrc/);
    expect(w.stdout).toMatch(/ctf CtfFind\/job003\/micrographs_ctf\.star/);
    expect(w.stdout).toMatch(/motion MotionCorr\/job002\/corrected_micrographs\.star/);
    expect(w.stdout).toMatch(/classes Class3D\/job016\/run_it025_data\.star/);
    expect(w.stdout).toMatch(/All 428 particles: 7\.08 Å \(box 64 px at 3\.54 Å, D2/);
    expect(w.stdout).toMatch(/motion outliers/);
    expect(w.stdout).toMatch(/class 4 of Class3D\/job016\/run_it025_data/);
    const r = cryodxIn(dir, 'reslog', '--project', '.', '--repeats', '1', '--sym', 'c1', '--auto-mask', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { symmetry: string; particles: number; points: { particles: number }[] };
    expect(j.symmetry).toBe('C1');
    expect(j.particles).toBe(428);
    expect(j.points.map((p) => p.particles)).toEqual([53, 106, 212, 428]);
  }, 300_000);

  it('the tutorial as it is (no images): the missing stack is named, with where it was looked for', () => {
    const dir = project(false);
    const r = cryodxIn(dir, 'reslog', '--project', '.');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /particle image stack not found: Polish\/job028\/Movies\/20170629_00021_frameImage_shiny\.mrcs\. Looked in --project /,
    );
  });
});

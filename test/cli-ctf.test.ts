import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryodx } from './cli.js';
import { describe, expect, it } from 'vitest';
import { readCtffind } from '../src/core/io/ctffind.js';
import { ctfFromStar } from '../src/core/io/ctf-star.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { readStar } from '../src/core/io/star/read.js';
import { createVolume } from '../src/core/model/volume.js';
import { simulateMicrograph } from '../src/core/simulate/micrograph.js';
import { seededRandom } from '../src/core/util/random.js';

const dir = mkdtempSync(join(tmpdir(), 'cryodx-ctf-'));
const truth = [
  { defocusUA: 14000, defocusVA: 13000, astigmatismAngleDeg: 40 },
  { defocusUA: 22000, defocusVA: 21200, astigmatismAngleDeg: 130 },
];
const mics = truth.map((t, i) => {
  const path = join(dir, `mic_${i}.mrc`);
  const img = simulateMicrograph({ nx: 1536, ny: 1536, pixelSizeA: 1.1, noise: 0.2, seed: 100 + i, ...t });
  writeFileSync(path, writeMrc(createVolume(1536, 1536, 1, [1.1, 1.1, 1.1], img)));
  return path;
});

describe('cryodx ctf', () => {
  it('fits several micrographs on workers; --json contract; CTFFIND text, STAR, diagnostics written', () => {
    const out = join(dir, 'out');
    const r = cryodx('ctf', ...mics, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, number | string | null>[];
    expect(j).toHaveLength(2);
    for (const [i, row] of j.entries()) {
      for (const k of [
        'micrograph',
        'defocusUA',
        'defocusVA',
        'astigmatismAngleDeg',
        'phaseShiftRad',
        'crossCorrelation',
        'fitResolutionA',
        'thicknessA',
      ])
        expect(row).toHaveProperty(k);
      expect(Math.abs((row['defocusUA'] as number) / truth[i]!.defocusUA - 1)).toBeLessThan(0.005);
      expect(row['pixelSizeA']).toBeCloseTo(1.1, 6); // from the header
    }
    const txt = readCtffind(readFileSync(join(out, 'mic_0.txt'), 'utf8'));
    expect(txt.estimates[0]!.defocusUA).toBeCloseTo(j[0]!['defocusUA'] as number, 3);
    const star = ctfFromStar(readStar(readFileSync(join(out, 'micrographs_ctf.star')), { source: 'star' }));
    expect(star.map((e) => e.micrograph)).toEqual(mics);
    for (const f of ['mic_0_diag.mrc', 'mic_0_diag.png', 'mic_0_fit.svg', 'mic_1_avrot.txt', 'ctf.json'])
      expect(existsSync(join(out, f)), f).toBe(true);
  }, 120_000);

  it('writes each micrograph as it is fitted: repeated names stay apart; a bad one fails the run, no tables', () => {
    // The same file name in two folders: stems from the whole run (mic_0, mic_0_2).
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    const twin = join(other, 'mic_0.mrc');
    copyFileSync(mics[0]!, twin);
    const out = join(dir, 'stream');
    const r = cryodx('ctf', mics[0]!, twin, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['mic_0.txt', 'mic_0_2.txt', 'mic_0_diag.png', 'mic_0_2_fit.svg', 'micrographs_ctf.star'])
      expect(existsSync(join(out, f)), f).toBe(true);
    const rows = JSON.parse(r.stdout) as { micrograph: string; defocusUA: number }[];
    expect(rows.map((x) => x.micrograph)).toEqual([mics[0], twin]);
    expect(rows[1]!.defocusUA).toBeCloseTo(rows[0]!.defocusUA, 6);
    const cut = join(dir, 'cut_stream.mrc');
    writeFileSync(cut, readFileSync(mics[1]!).subarray(0, 300000));
    const bad = join(dir, 'stream_bad');
    const b = cryodx('ctf', mics[0]!, cut, mics[1]!, '--out', bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/cut_stream\.mrc/);
    expect(existsSync(join(bad, 'micrographs_ctf.star'))).toBe(false);
    expect(existsSync(join(bad, 'ctf.json'))).toBe(false);
  }, 120_000);

  it('clear errors: no pixel size, a 3D map, a truncated file, NaN pixels', () => {
    const noPx = join(dir, 'nopx.mrc');
    writeFileSync(noPx, writeMrc(createVolume(256, 256, 1, null, new Float32Array(256 * 256))));
    expect(cryodx('ctf', noPx, '--out', join(dir, 'e1')).stderr).toMatch(
      /no pixel size in the header; give it with --angpix/,
    );
    const vol = join(dir, 'vol.mrc');
    writeFileSync(vol, writeMrc(createVolume(64, 64, 64, [1, 1, 1], new Float32Array(64 ** 3))));
    expect(cryodx('ctf', vol, '--out', join(dir, 'e2')).stderr).toMatch(/is a 3D map/);
    const cut = join(dir, 'cut.mrc');
    writeFileSync(cut, readFileSync(mics[0]!).subarray(0, 200000));
    const r = cryodx('ctf', cut, '--out', join(dir, 'e3'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.mrc/);
    expect(cryodx('ctf', mics[0]!, '--fit-range-a', '5:30').stderr).toMatch(/from low to high resolution/);
    expect(cryodx('ctf', mics[0]!, '--amplitude-contrast', '1.5').stderr).toMatch(
      /--amplitude-contrast takes a fraction in \[0, 1\)/,
    );
    expect(cryodx('ctf', mics[0]!, '--box', '511').stderr).toMatch(
      /--box takes an even tile size from 64 to 4096 px, got 511/,
    );
    const nan = join(dir, 'nan.mrc');
    const holes = new Float32Array(256 * 256).map((_, i) => Math.sin(i));
    holes.set([NaN, Infinity, NaN], 1000);
    writeFileSync(nan, writeMrc(createVolume(256, 256, 1, [1, 1, 1], holes), { allowNonFinite: true }));
    expect(cryodx('ctf', nan, '--out', join(dir, 'e5')).stderr).toMatch(
      /nan\.mrc: 3 values are NaN or infinite; the micrograph is damaged/,
    );
    const tiny = join(dir, 'tiny.mrc');
    writeFileSync(
      tiny,
      writeMrc(
        createVolume(
          48,
          48,
          1,
          [1, 1, 1],
          new Float32Array(48 * 48).map((_, i) => Math.sin(i)),
        ),
      ),
    );
    expect(cryodx('ctf', tiny, '--out', join(dir, 'e4')).stderr).toMatch(
      /tiny\.mrc: the image \(48×48 px\) is too small for a CTF fit/,
    );
  }, 60_000);
});

describe('cryodx ctf on micrographs without a CTF', () => {
  it('a blank micrograph is refused; pure noise is fitted but flagged as having no Thon rings', () => {
    const blank = join(dir, 'blank.mrc');
    writeFileSync(blank, writeMrc(createVolume(512, 512, 1, [1.2, 1.2, 1], new Float32Array(512 * 512))));
    const b = cryodx('ctf', blank, '--out', join(dir, 'blank'));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/blank\.mrc: every pixel is 0: the micrograph is blank/);
    const r = seededRandom(12);
    const noise = join(dir, 'noise.mrc');
    const data = Float32Array.from({ length: 512 * 512 }, () => r() - 0.5);
    writeFileSync(noise, writeMrc(createVolume(512, 512, 1, [1.2, 1.2, 1], data)));
    const n = cryodx('ctf', noise, '--out', join(dir, 'noise'), '--json');
    expect(n.code).toBe(0);
    const row = JSON.parse(n.stdout)[0];
    expect(row.warnings.map((w: { code: string }) => w.code)).toContain('no-thon-rings');
  });
});

describe('cryodx ctf catches inputs users get wrong', () => {
  it(
    'a power spectrum given as a micrograph is recognised and refused; a coarse pixel clamps the fit to ' + 'Nyquist',
    () => {
      // Thon rings as a spectrum shows them: positive, centred, point-symmetric.
      const n = 256;
      const ps = new Float32Array(n * n);
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const r2 = ((x - n / 2) ** 2 + (y - n / 2) ** 2) / (n * n);
          ps[y * n + x] = 1 + Math.sin(400 * r2) ** 2 + 0.1 * Math.cos(3 * Math.atan2(y - n / 2, x - n / 2)) ** 2;
        }
      const file = join(dir, 'mic_PS.mrc');
      writeFileSync(file, writeMrc(createVolume(n, n, 1, [1.4, 1.4, 1], ps)));
      const r = cryodx('ctf', file, '--out', join(dir, 'ps'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/mic_PS\.mrc: this is a power spectrum, not a micrograph/);
      const coarse = join(dir, 'coarse.mrc');
      const img = simulateMicrograph({
        nx: 512,
        ny: 512,
        pixelSizeA: 3.54,
        defocusUA: 15000,
        defocusVA: 14500,
        astigmatismAngleDeg: 30,
        seed: 3,
      });
      writeFileSync(coarse, writeMrc(createVolume(512, 512, 1, [3.54, 3.54, 1], img)));
      const c = cryodx('ctf', coarse, '--out', join(dir, 'coarse'), '--json');
      expect(c.code, c.stderr).toBe(0);
      const row = JSON.parse(c.stdout)[0];
      expect(row.warnings.map((w: { code: string }) => w.code)).toContain('fit-limit-clamped');
      expect((row.defocusUA + row.defocusVA) / 2).toBeGreaterThan(14750 * 0.98);
      expect((row.defocusUA + row.defocusVA) / 2).toBeLessThan(14750 * 1.02);
    },
  );
});

describe('cryodx ctf-report', () => {
  it('reads CTFFIND outputs and a micrographs_ctf.star; findings with remedies in --json', () => {
    const star = join(dir, 'micrographs_ctf.star');
    const rows = Array.from(
      { length: 50 },
      (_, i) =>
        `mic${i}.mrc ${i % 2 ? 32000 : 12000} ${i % 2 ? 31800 : 11800} 10 0.2 ${i % 3 ? 3.2 : 6.5} ` +
        `${i % 5 ? 350 : 1200}`,
    );
    writeFileSync(
      star,
      'data_micrographs\nloop_\n_rlnMicrographName\n_rlnDefocusU\n_rlnDefocusV\n_rlnDefocusAngle\n' +
        `_rlnCtfFigureOfMerit\n_rlnCtfMaxResolution\n_rlnMicrographIceThickness\n${rows.join('\n')}\n`,
    );
    const r = cryodx('ctf-report', star, '--map-resolution-a', '4', '--json', '--out', join(dir, 'triage'));
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const codes = j.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['fit-worse-than-map', 'high-defocus', 'thick-ice']));
    expect(j.summary.micrographs).toBe(50);
    expect(existsSync(join(dir, 'triage', 'ctf_fit-resolution.svg'))).toBe(true);
    const empty = join(dir, 'empty_ctf.star');
    writeFileSync(
      empty,
      'data_micrographs\nloop_\n_rlnMicrographName\n_rlnDefocusU\n_rlnDefocusV\n_rlnDefocusAngle\n' +
        '_rlnCtfMaxResolution\n',
    );
    expect(cryodx('ctf-report', empty).stderr).toMatch(/empty_ctf\.star: no micrograph CTF results/);
    const text = cryodx('ctf-report', join(dir, 'out', 'mic_0.txt'), join(dir, 'out', 'mic_1.txt'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2 micrographs/);
  }, 60_000);

  it('a particle STAR is summarised per micrograph, with the per-particle defocus spread', () => {
    const star = join(dir, 'particles_ctf_refine.star');
    const rnd = seededRandom(24);
    const rows: string[] = [];
    for (let m = 0; m < 3; m++) {
      for (let p = 0; p < 20; p++) {
        // Micrograph 2's particles wander by ±1 µm (a refinement gone astray); the others by ±50 Å.
        const df = 10000 + 1000 * m + (m === 2 ? 2000 : 100) * (rnd() - 0.5);
        rows.push(
          `${String(p + 1).padStart(6, '0')}@Extract/mic${m}.mrcs mic${m}.mrc ${df + 150} ${df - 150} 45 0.15 3.5`,
        );
      }
    }
    writeFileSync(
      star,
      'data_particles\nloop_\n_rlnImageName\n_rlnMicrographName\n_rlnDefocusU\n_rlnDefocusV\n_rlnDefocusAngle\n' +
        `_rlnCtfFigureOfMerit\n_rlnCtfMaxResolution\n${rows.join('\n')}\n`,
    );
    const r = cryodx('ctf-report', star, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.micrographs).toBe(3);
    expect(j.summary.micrographs).toBe(3);
    expect(j.outliers.length).toBeLessThanOrEqual(3);
    const spread = j.findings.find((f: { code: string }) => f.code === 'defocus-spread-in-micrographs');
    expect(spread.fraction).toBeCloseTo(1 / 3, 9);
  });
});

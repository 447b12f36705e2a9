import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { readRelionPostprocess } from './relion-reference.js';
import { caseFiles, cryodx } from './cli.js';
import { bytesOf } from './paths.js';

const K = caseFiles('box96');
const ref = readRelionPostprocess(K.relionStar);
const D = (f: 'half1.mrc' | 'half2.mrc' | 'mask.mrc'): string =>
  f === 'half1.mrc' ? K.half1 : f === 'half2.mrc' ? K.half2 : K.mask;
const tmp = mkdtempSync(join(tmpdir(), 'cryodx-fsc-'));

describe('cryodx fsc', () => {
  it('--json: the contract fields, RELION’s resolution', () => {
    const r = cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of [
      'resolutionA',
      'criterion',
      'randomizeFromA',
      'pixelSizeA',
      'boxSize',
      'shells',
      'crossings',
      'shape',
      'warnings',
    ])
      expect(j).toHaveProperty(k);
    expect(Object.keys(j.shells[1]).sort()).toEqual(
      [
        'fscCorrected',
        'fscMasked',
        'fscParticle',
        'fscPhaseRandomized',
        'fscUnmasked',
        'nVoxels',
        'resolutionA',
        'shell',
        'spatialFrequencyInvA',
      ].sort(),
    );
    expect(j.resolutionA).toBeCloseTo(Number(ref.general.get('rlnFinalResolution')), 5);
    expect(j.randomizeFromA).toBeCloseTo(Number(ref.general.get('rlnRandomiseFrom')), 4);
    expect(j.shells[0].resolutionA).toBeNull();
  });

  it('unmasked: fields that do not apply are null', () => {
    const j = JSON.parse(cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--json').stdout);
    expect(j.shells[5].fscMasked).toBeNull();
    expect(j.shells[5].fscCorrected).toBeNull();
    expect(j.randomizeFromA).toBeNull();
  });

  it('--out writes fsc.star with RELION’s columns, the EMDB XML and the automatic mask', () => {
    const out = join(tmp, 'out');
    const r = cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--auto-mask', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Resolution \d\.\d+ Å/);
    const star = readRelionPostprocess(join(out, 'fsc.star'));
    expect(star.shells.get(10)).toHaveProperty('rlnFourierShellCorrelationCorrected');
    expect(star.shells.get(10)).toHaveProperty('rlnCorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps');
    expect(readFileSync(join(out, 'fsc.xml'), 'utf8')).toMatch(
      /^<fsc title="cryodx masked-corrected FSC" xaxis="Resolution \(A-1\)"/,
    );
    const mask = readMrc(bytesOf(join(out, 'auto_mask.mrc'))).volume;
    expect(mask.nx).toBe(K.n);
    expect(mask.data.reduce((m, v) => Math.max(m, v), 0)).toBeLessThanOrEqual(1);
    expect(existsSync(join(out, 'fsc.json'))).toBe(true);
  });

  it('mismatched voxel sizes are an error; --angpix settles it', () => {
    const a = readMrc(bytesOf(D('half2.mrc'))).volume;
    const b = createVolume(a.nx, a.ny, a.nz, [1.2, 1.2, 1.2], a.data);
    const p = join(tmp, 'h2_wrongpx.mrc');
    writeFileSync(p, writeMrc(b));
    const r = cryodx('fsc', D('half1.mrc'), p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/half maps have different pixel sizes \(found 1\.2 Å, expected 1\.3 Å/);
    expect(cryodx('fsc', D('half1.mrc'), p, '--angpix', '1.3', '--json').code).toBe(0);
  });

  it('--angpix treats every map of the command alike: the mask too is overridden, named in the one warning', () => {
    const r = cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--angpix', '1.4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.pixelSizeA).toBe(1.4);
    const over = (j.warnings as { code: string; message: string }[]).filter((w) => w.code === 'angpix-override');
    expect(over).toHaveLength(1);
    for (const f of ['half1.mrc', 'half2.mrc', 'mask.mrc'] as const)
      expect(over[0]!.message.split(`${D(f)} (${K.pixelSizeA} Å)`).length - 1).toBe(1);
  });

  it('no pixel size anywhere is an error, never a silent 1.0', () => {
    const a = readMrc(bytesOf(D('half1.mrc'))).volume;
    const p = join(tmp, 'nopx.mrc');
    writeFileSync(p, writeMrc(createVolume(a.nx, a.ny, a.nz, null, a.data)));
    const r = cryodx('fsc', p, p);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no pixel size in the headers; give it with --angpix A/);
  });

  it('one mask choice at a time; bad numbers are refused', () => {
    expect(cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--auto-mask', '--sphere-radius', '50').stderr).toMatch(
      /choose one of --mask, --auto-mask and --sphere-radius/,
    );
    const r = cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--angpix', 'abc');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--angpix takes a positive number, got "abc"/);
  });
  it(
    'by default fsc replays RELION’s randomisation: every FSC column equals relion_postprocess’s (1e-5), as ' +
      'postprocess’s do',
    () => {
      const j = JSON.parse(cryodx('fsc', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--json').stdout);
      const cols: [string, string][] = [
        ['fscUnmasked', 'rlnFourierShellCorrelationUnmaskedMaps'],
        ['fscMasked', 'rlnFourierShellCorrelationMaskedMaps'],
        ['fscPhaseRandomized', 'rlnCorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps'],
        ['fscCorrected', 'rlnFourierShellCorrelationCorrected'],
      ];
      // Every shell RELION wrote (0 … n/2), each found in ours: a shell missing on either side fails.
      const byShell = new Map((j.shells as Record<string, number>[]).map((s) => [s['shell']!, s]));
      let worst = 0,
        compared = 0;
      for (const [shell, row] of ref.shells) {
        const s = byShell.get(shell);
        expect(s, `shell ${shell} in cryodx's FSC`).toBeDefined();
        for (const [ours, theirs] of cols) worst = Math.max(worst, Math.abs(s![ours]! - row[theirs]!));
        compared++;
      }
      expect(compared).toBe(K.n / 2 + 1);
      expect(worst).toBeLessThan(1e-5);
      const out = join(tmp, 'pp-parity');
      const pp = JSON.parse(
        cryodx('postprocess', D('half1.mrc'), D('half2.mrc'), '--mask', D('mask.mrc'), '--out', out, '--json').stdout,
      );
      expect(pp.shells.map((s: { fscCorrected: number }) => s.fscCorrected)).toEqual(
        j.shells.map((s: { fscCorrected: number }) => s.fscCorrected),
      );
    },
  );
});

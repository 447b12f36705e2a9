import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrc } from '../src/core/io/mrc/read.js';
import { readParticles } from '../src/core/io/star/particles.js';
import { readStar } from '../src/core/io/star/read.js';
import { cryodx } from './cli.js';
import { bytesOf, fixture, HAS_SHARED, shared } from './paths.js';

/** Runs the built CLI (npm test builds before vitest), as a user would. */
const tmp = mkdtempSync(join(tmpdir(), 'cryodx-cli-'));

describe('cryodx info --json', () => {
  it('map: the fields the issue names (a fixture MRC whose values mrcfile read)', () => {
    const r = cryodx('info', fixture('mrc', 'mode2_little.mrc'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const e = JSON.parse(readFileSync(fixture('mrc', 'expected.json'), 'utf8'))['mode2_little.mrc'];
    expect(j).toMatchObject({
      nx: e.dims[0],
      ny: e.dims[1],
      nz: e.dims[2],
      mode: 2,
      pixelSizeA: e.voxelSize,
      axisOrder: [1, 2, 3],
    });
    const data: number[] = e.data;
    expect(j.min).toBeCloseTo(Math.min(...data), 5);
    expect(j.max).toBeCloseTo(Math.max(...data), 5);
  });

  it.skipIf(!HAS_SHARED)('map: a real EMDB entry, gzipped (../shared)', () => {
    const r = cryodx('info', shared('data/public/emd_3197.map.gz'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      nx: 20,
      ny: 20,
      nz: 20,
      mode: 2,
      pixelSizeA: [11.4, 11.4, 11.4],
      origin: [0, 0, 0],
      axisOrder: [1, 2, 3],
    });
    for (const k of ['min', 'max', 'mean', 'rms']) expect(typeof j[k]).toBe('number');
  });

  it('STAR: blocks with loop flag, columns and rows', () => {
    const j = JSON.parse(cryodx('info', fixture('relion', 'box96', 'postprocess.star'), '--json').stdout);
    const fsc = j.blocks.find((b: { name: string }) => b.name === 'fsc');
    expect(fsc.loop).toBe(true);
    expect(fsc.columns).toContain('rlnFourierShellCorrelationCorrected');
    expect(fsc.rows).toBe(49);
    expect(j.blocks.find((b: { name: string }) => b.name === 'general').loop).toBe(false);
  });

  it('.cs: rows and fields', () => {
    const j = JSON.parse(cryodx('info', fixture('cs', 'particles.cs'), '--json').stdout);
    expect(j.rows).toBe(12);
    expect(j.fields.map((f: { name: string }) => f.name)).toContain('alignments3D/pose');
  });

  it('readable table without --json; other formats', () => {
    const r = cryodx('info', fixture('mrc', 'axes_312.mrc'));
    expect(r.code).toBe(0);
    const e = JSON.parse(readFileSync(fixture('mrc', 'expected.json'), 'utf8'))['axes_312.mrc'];
    expect(r.stdout).toMatch(new RegExp(`size \\(x, y, z\\)\\s+${e.dims.join(' × ')}`));
    for (const f of [
      fixture('ctffind', 'ctffind5.txt'),
      fixture('imod', 'ts.tlt'),
      fixture('imod', 'ts.xf'),
      fixture('imod', 'ts.mdoc'),
      fixture('ctffind', 'ctffind4_avrot.txt'),
    ]) {
      expect(cryodx('info', f).code).toBe(0);
    }
  });
});

describe('cryodx convert', () => {
  it.skipIf(!HAS_SHARED)('map.gz → standard float32 MRC with the same values (../shared)', () => {
    const out = join(tmp, 'emd.mrc');
    const r = cryodx('convert', shared('data/public/emd_3197.map.gz'), out);
    expect(r.code).toBe(0);
    const a = readMrc(bytesOf(shared('data/public/EMD-3197.map')));
    const b = readMrc(bytesOf(out));
    expect(b.header.mode).toBe(2);
    expect(b.axisOrder).toEqual([1, 2, 3]);
    expect(b.volume.pixelSizeA).toEqual([11.4, 11.4, 11.4]);
    expect(Array.from(b.volume.data)).toEqual(Array.from(a.volume.data));
  });

  it('a permuted-axis big-endian int16 map comes out x-fastest', () => {
    const out = join(tmp, 'axes.mrc');
    expect(cryodx('convert', fixture('mrc', 'axes_213_big.mrc'), out).code).toBe(0);
    const expected = JSON.parse(readFileSync(fixture('mrc', 'expected.json'), 'utf8'))['axes_213_big.mrc'];
    expect(Array.from(readMrc(bytesOf(out)).volume.data)).toEqual(expected.data);
  });

  it('.cs → RELION 3.1 STAR', () => {
    const out = join(tmp, 'p.star');
    expect(cryodx('convert', fixture('cs', 'particles.cs'), out).code).toBe(0);
    const { particles } = readParticles(readStar(bytesOf(out)));
    expect(particles.count).toBe(12);
    expect(particles.convention).toBe('relion-3.1');
  });

  it('never overwrites its input', () => {
    const input = join(tmp, 'input.mrc');
    copyFileSync(fixture('mrc', 'mode2_little.mrc'), input);
    const before = readFileSync(input);
    const r = cryodx('convert', input, input);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cryodx: ${input}: refusing to overwrite an input file; choose another output name\n`);
    expect(readFileSync(input).equals(before)).toBe(true);
  });
});

describe('bad input: exit code ≠ 0, one sentence, no stack trace', () => {
  it('truncated MRC', () => {
    const bad = join(tmp, 'truncated.mrc');
    writeFileSync(bad, readFileSync(fixture('mrc', 'mode2_little.mrc')).subarray(0, 1100));
    const r = cryodx('info', bad);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated\.mrc \(byte 1024\): data block is truncated/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('--debug adds the stack', () => {
    const r = cryodx('info', join(tmp, 'truncated.mrc'), '--debug');
    expect(r.stderr).toMatch(/at .*\.js:\d+/);
  });

  it('missing file and unknown type', () => {
    expect(cryodx('info', join(tmp, 'nope.mrc')).stderr).toBe(`cryodx: ${join(tmp, 'nope.mrc')}: no such file\n`);
    const odd = join(tmp, 'notes.bin');
    writeFileSync(odd, 'hello');
    const r = cryodx('info', odd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cryodx: .*notes\.bin: unrecognised file type \(expected MRC/);
  });

  it('every command has --help with an example', () => {
    for (const c of [
      'info',
      'convert',
      'demo',
      'fsc',
      'postprocess',
      'budget',
      'locres',
      'anisotropy',
      'orientations',
      'calibrate',
      'report',
    ]) {
      const r = cryodx(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example/);
    }
  });
});

describe('options: one parser, one --out rule', () => {
  it('text where a number belongs is refused with the option’s name, never NaN downstream', () => {
    const budget = cryodx('budget', '--bfactor', 'abc', '--resolution-a', '3');
    expect(budget.code).not.toBe(0);
    expect(budget.stderr).toMatch(/--bfactor takes a number, got "abc"/);
    expect(budget.stdout).not.toMatch(/NaN/);
    const pp = cryodx('postprocess', 'a.mrc', 'b.mrc', '--autob-highres', 'xyz');
    expect(pp.code).not.toBe(0);
    expect(pp.stderr).toMatch(/--autob-highres takes a number ≥ 0, got "xyz"/);
    expect(cryodx('budget', '--particle-count', '12.5', '--bfactor', '-80', '--resolution-a', '3').stderr).toMatch(
      /--particle-count takes an integer ≥ 1, got "12.5"/,
    );
    expect(cryodx('anisotropy', 'a.mrc', 'b.mrc', '--cone-angle', 'Infinity').stderr).toMatch(/--cone-angle takes/);
  });

  it('--out naming an existing file is refused in one sentence and the file is left alone', () => {
    const file = join(tmp, 'not-a-folder.txt');
    writeFileSync(file, 'keep me');
    const r = cryodx('budget', '--point', '1000:5', '--point', '4000:4', '--out', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*not-a-folder\.txt: is an existing file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('budget: postprocess’s sign, old spellings as aliases, clear words for points that cannot be fitted', () => {
    const j = JSON.parse(cryodx('budget', '--bfactor', '80', '--resolution', '3.5', '--json').stdout);
    expect(j.singleMap.bfactorA2).toBe(-80);
    expect(j.singleMap.overallBfactorA2).toBe(80);
    const k = JSON.parse(cryodx('budget', '--bfactor', '-80', '--resolution-a', '3.5', '--json').stdout);
    expect(k).toEqual(j);
    const same = cryodx('budget', '--point', '1000:5', '--point', '1000:4.8', '--point', '1000:4.9');
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/all 3 points have 1000 particles/);
    const one = cryodx('budget', '--point', '1000:5');
    expect(one.stderr).toMatch(/one \(particles, resolution\) point .* cannot be fitted/);
  });
});

describe('budget: no prediction from a B the fit does not support, none beyond Nyquist', () => {
  const star = (b: number, r2: number, res: number, nyquist: number): string => {
    const file = join(tmp, `pp_${b}_${r2}.star`);
    writeFileSync(
      file,
      'data_general\n\n' +
        `_rlnFinalResolution ${res}\n_rlnBfactorUsedForSharpening ${b}\n_rlnFittedSlopeGuinierPlot ${b / 4}\n` +
        `_rlnCorrelationFitGuinierPlot ${r2}\n\ndata_fsc\n\nloop_\n_rlnSpectralIndex #1\n_rlnAngstromResolution #2\n` +
        `_rlnFourierShellCorrelationCorrected #3\n0 999 1\n10 ${(nyquist * 3).toFixed(3)} 0.9\n30 ${nyquist} 0.05\n`,
    );
    return file;
  };

  it('a Guinier fit with r² 0.007 (B −1.6 Å²) is refused, not turned into "doubling buys 1.8 Å"', () => {
    const r = cryodx('budget', '--from-postprocess', star(-1.56, 0.007, 2.818, 1.77), '--particle-count', '4501');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /comes from a Guinier fit with r² 0\.007 \(< 0\.5\): it is not a fall-off a budget can use/,
    );
    expect(r.stdout).toBe('');
  });

  it('targets and doublings stop at Nyquist, with a word', () => {
    // B −80 Å² at 3.0 Å with Nyquist 2.9 Å: doubling would reach 2.72 Å, past Nyquist.
    const j = JSON.parse(cryodx('budget', '--from-postprocess', star(-80, 0.95, 3.0, 2.9), '--json').stdout);
    expect(j.singleMap.nyquistA).toBe(2.9);
    expect(j.singleMap.doublingGainA).toBeCloseTo(0.1, 9);
    expect(j.singleMap.targets.every((t: { resolutionA: number }) => t.resolutionA >= 2.9)).toBe(true);
    expect(j.warnings.map((w: { code: string }) => w.code)).toContain('budget-beyond-nyquist');
    // A fitted line through (10⁴, 4 Å) and (4·10⁴, 3.5 Å) reaches 3.15 Å at 4×: past Nyquist (3.2 Å) at 1.6 Å/px.
    const fit = JSON.parse(
      cryodx('budget', '--point', '10000:4', '--point', '40000:3.5', '--angpix', '1.6', '--json').stdout,
    ).fit;
    expect(fit.nyquistA).toBe(3.2);
    for (const p of fit.predictions) {
      if (p.beyondNyquist) expect(p.resolutionA).toBeNull();
      else expect(p.resolutionA).toBeGreaterThanOrEqual(3.2);
    }
    expect(fit.predictions.some((p: { beyondNyquist: boolean }) => p.beyondNyquist)).toBe(true);
  });
});

describe('info recognises what users bring besides maps', () => {
  const put = (name: string, text: string): string => {
    const p = join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it('an EMDB FSC XML: its 0.143 crossing interpolated in 1/Å', () => {
    const pts = [
      [0, 1],
      [0.1, 0.9],
      [0.2, 0.3],
      [0.25, 0.1],
      [0.3, 0.0],
    ];
    const coordinate = ([x, y]: number[]): string =>
      `  <coordinate>\n    <x>${x}</x>\n    <y>${y}</y>\n  </coordinate>`;
    const head = '<fsc title="test FSC" xaxis="Resolution (A-1)" yaxis="Correlation Coefficient">';
    const xml = `${head}\n${pts.map(coordinate).join('\n')}\n</fsc>\n`;
    const j = JSON.parse(cryodx('info', put('fsc.xml', xml), '--json').stdout);
    expect(j.format).toBe('fsc-xml');
    expect(j.points).toBe(5);
    // 0.143 between (0.2, 0.3) and (0.25, 0.1): k = 0.2 + 0.05·(0.157/0.2) = 0.23925 1/Å → 4.180 Å.
    expect(j.resolutionA.fsc0143).toBeCloseTo(1 / 0.23925, 3);
  });

  it('picks from EMAN, crYOLO and Topaz', () => {
    const box = JSON.parse(cryodx('info', put('mic1.box', '10 20 180 180\n300 400 180 180\n'), '--json').stdout);
    expect(box).toMatchObject({ format: 'picks', program: 'EMAN .box', picks: 2, boxPx: 180 });
    const cbox =
      'data_cryolo\n\nloop_\n_CoordinateX #1\n_CoordinateY #2\n_Width #3\n_Height #4\n_Confidence #5\n1 2 160 160 ' +
      '0.4\n5 6 160 160 0.9\n7 8 160 160 0.7\n';
    expect(JSON.parse(cryodx('info', put('mic1.cbox', cbox), '--json').stdout)).toMatchObject({
      program: 'crYOLO .cbox',
      picks: 3,
      score: [0.4, 0.9],
    });
    const topaz = 'image_name\tx_coord\ty_coord\tscore\nmic1\t10\t20\t-1.5\nmic2\t30\t40\t2.5\nmic2\t50\t60\t0.5\n';
    expect(JSON.parse(cryodx('info', put('topaz_picks.txt', topaz), '--json').stdout)).toMatchObject({
      program: 'Topaz',
      picks: 3,
      micrographs: 2,
    });
  });

  it('an AlphaFold model: pLDDT in the B column, with the disordered share', () => {
    const atom = (i: number, b: number): string =>
      `ATOM  ${String(i).padStart(5)}  CA  ALA A${String(i).padStart(4)}    ` +
      `${'1.000'.padStart(8)}${'2.000'.padStart(8)}${'3.000'.padStart(8)}  1.00${b.toFixed(2).padStart(6)}         ` +
      `  C  `;
    const pdb = [
      'HEADER    AF-P12345-F1 ALPHAFOLD MONOMER',
      ...[95, 90, 85, 40, 30].map((b, i) => atom(i + 1, b)),
      'END',
      '',
    ].join('\n');
    const r = cryodx('info', put('AF-P12345-F1-model_v4.pdb', pdb), '--json');
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe('model');
    expect(j.plddt.meanCa).toBeCloseTo(68, 9);
    expect(j.plddt.fractionBelow50).toBeCloseTo(0.4, 9);
    expect(j.warnings.map((w: { code: string }) => w.code)).toContain('low-plddt');
  });

  it('an .mdoc with ExposureDose = 0 is flagged; a map shows its NSTART', () => {
    const mdoc =
      'PixelSpacing = 1.35\n\n[ZValue = 0]\nTiltAngle = 0\nExposureDose = 0\n\n[ZValue = 1]\nTiltAngle = ' +
      '3\nExposureDose = 0\n';
    const r = cryodx('info', put('ts.mdoc', mdoc));
    expect(r.stderr).toMatch(/2 of 2 sections record ExposureDose = 0/);
    expect(cryodx('info', fixture('mrc', 'axes_312.mrc')).stdout).toMatch(
      /first voxel \(NXSTART, NYSTART, NZSTART\)\s+-?\d+, -?\d+, -?\d+/,
    );
  });
});

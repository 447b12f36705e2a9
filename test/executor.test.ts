import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasets } from '../src/core/io/datasets.js';
import { mrcExpectedBytes } from '../src/core/io/mrc/read.js';
import { writeMrc } from '../src/core/io/mrc/write.js';
import { createVolume } from '../src/core/model/volume.js';
import { shards } from '../src/node/executor/index.js';
import { DEFAULT_TEMPLATE, fillTemplate, templateValues } from '../src/node/executor/template.js';
import { globToRegExp } from '../src/node/watch.js';
import { micrographMrc } from './micrographs.js';
import { ROOT } from './paths.js';

/** The executor's pieces that need no scheduler: templates, sharding, dataset lists, watching a folder. */
describe('submission templates', () => {
  const values = templateValues({
    name: 'cryodx-tasks',
    command: 'node main.js _task /run',
    queue: '',
    threads: 4,
    outfile: '/run/logs/task-%a.out',
    errfile: '/run/logs/task-%a.err',
  });
  it('RELION placeholders filled; a directive with an empty value left out (no empty --partition)', () => {
    const s = fillTemplate(DEFAULT_TEMPLATE, values);
    expect(s).toContain('#SBATCH --cpus-per-task=4');
    expect(s).toContain('#SBATCH --output=/run/logs/task-%a.out');
    expect(s).not.toContain('--partition');
    expect(s.trim().split('\n').pop()).toBe('node main.js _task /run');
    expect(fillTemplate(DEFAULT_TEMPLATE, { ...values, queue: 'gpu' })).toContain('#SBATCH --partition=gpu');
  });
  it('a site template for PBS works the same; an unknown placeholder is an error before anything is submitted', () => {
    const pbs = '#!/bin/bash\n#PBS -N XXXnameXXX\n#PBS -q XXXqueueXXX\n#PBS -l ncpus=XXXcoresXXX\nXXXcommandXXX\n';
    expect(fillTemplate(pbs, { ...values, queue: 'normal' })).toBe(
      '#!/bin/bash\n#PBS -N cryodx-tasks\n#PBS -q normal\n#PBS -l ncpus=4\nnode main.js _task /run\n',
    );
    expect(() => fillTemplate('#SBATCH --x=XXXtypoXXX\nXXXcommandXXX', values)).toThrow(/XXXtypoXXX/);
  });
});

describe('sharding and dataset lists', () => {
  it('shards keep order, cover everything once, and never exceed the items', () => {
    const s = shards([1, 2, 3, 4, 5, 6, 7], 3);
    expect(s).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
    expect(shards([1, 2], 10)).toEqual([[1], [2]]);
  });
  it('CSV and JSON lists; bad rows named with their line', () => {
    const csv =
      'name,half1,half2,mask,angpix,microscope,date,sample\n' +
      'a,h1.mrc,h2.mrc,m.mrc,1.06,Krios1,2026-01-02,"apo, ferritin"\n';
    expect(readDatasets('d.csv', csv)[0]).toMatchObject({ name: 'a', sample: 'apo, ferritin', angpix: '1.06' });
    expect(readDatasets('d.json', JSON.stringify({ datasets: [{ name: 'b', project: '/p' }] }))[0]!.project).toBe('/p');
    expect(() => readDatasets('d.csv', 'name,half1,half2\nx,h1.mrc\n')).toThrow(
      /d\.csv \(line 2\): wrong number of values/,
    );
    expect(() => readDatasets('d.csv', 'name,half1,half2,colour\nx,a,b,c\n')).toThrow(/unknown column \(found colour/);
    expect(() => readDatasets('d.csv', 'name,half1\nx,a.mrc\n')).toThrow(/no maps.*half1 and half2, or a project/);
    expect(() => readDatasets('d.csv', 'name,project,date\nx,/p,last tuesday\n')).toThrow(/date is not a date/);
    expect(() => readDatasets('d.csv', 'name,project\nx/y,/p\n')).toThrow(/not a folder name/);
  });
});

describe('cryodx watch', () => {
  it('a folder that is not there: one sentence', () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist', 'node', 'cli', 'main.js'), 'watch', '/nonexistent/x', '--once'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\/nonexistent\/x: no such folder/);
  });

  it('globs, and the size an MRC must reach before it is complete', () => {
    expect(globToRegExp('**/*.mrc').test('a/b/c.mrc')).toBe(true);
    expect(globToRegExp('**/*.mrc').test('c.mrc')).toBe(true);
    expect(globToRegExp('Movies/*_x.mrc').test('Movies/a/b_x.mrc')).toBe(false);
    const mrc = writeMrc(createVolume(16, 8, 1, [1, 1, 1], new Float32Array(128)));
    expect(mrcExpectedBytes(mrc.subarray(0, 1024))).toBe(mrc.length);
  });

  it('fits complete micrographs, leaves a half-written one, resumes without redoing, keeps the report current', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cryodx-watch-'));
    const mic = (i: number): Uint8Array =>
      micrographMrc({
        n: 768,
        seed: 500 + i,
        defocusUA: 13000 + 1500 * i,
        defocusVA: 12500 + 1500 * i,
        astigmatismAngleDeg: 45,
      });
    const incoming = join(dir, 'incoming');
    spawnSync('mkdir', ['-p', incoming]);
    writeFileSync(join(incoming, 'a.mrc'), mic(0));
    writeFileSync(join(incoming, 'b.mrc'), mic(1));
    const partial = mic(2);
    writeFileSync(join(incoming, 'c.mrc'), partial.subarray(0, 100_000)); // still being written
    const run = () =>
      spawnSync(
        process.execPath,
        [
          join(ROOT, 'dist', 'node', 'cli', 'main.js'),
          'watch',
          incoming,
          '--once',
          '--settle-s',
          '0.3',
          '--out',
          join(dir, 'out'),
        ],
        { encoding: 'utf8', env: { ...process.env, CRYODX_THREADS: '1' } },
      );
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^2 micrographs fitted/);
    const star = readFileSync(join(dir, 'out', 'micrographs_ctf.star'), 'utf8');
    expect(star).toMatch(/a\.mrc/);
    expect(star).not.toMatch(/c\.mrc/);
    expect(existsSync(join(dir, 'out', 'ctf_report.json'))).toBe(true);
    const aTxt = readFileSync(join(dir, 'out', 'a.txt'), 'utf8');
    // The file is complete now; a second run fits only it (a.txt is not rewritten: same bytes, same state).
    appendFileSync(join(incoming, 'c.mrc'), partial.subarray(100_000));
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^3 micrographs fitted/);
    expect(second.stderr).toMatch(/3 micrographs fitted/);
    expect(readFileSync(join(dir, 'out', 'a.txt'), 'utf8')).toBe(aTxt);
    const rows = JSON.parse(readFileSync(join(dir, 'out', 'ctf.json'), 'utf8'));
    expect(rows).toHaveLength(3);
    const c = rows.find((r: { micrograph: string }) => r.micrograph.endsWith('c.mrc'));
    // The late file is fitted like the others (its simulated mean defocus is 16 000 Å; a 768² image fits within 3 %).
    expect(Math.abs((c.defocusUA + c.defocusVA) / 2 - 16000)).toBeLessThan(480);
    const state = JSON.parse(readFileSync(join(dir, 'out', 'watch-state.json'), 'utf8'));
    expect(Object.keys(state.fitted)).toHaveLength(3);
  }, 120_000);
});

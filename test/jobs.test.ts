import { describe, expect, it } from 'vitest';
import { runJobs, streamJobs } from '../src/node/parallel/jobs.js';

// The in-process path (no worker script of that name): what a one-thread machine or CRYODX_THREADS=1 runs.
describe('streamJobs', () => {
  const fail = (i: number, m: string) => new Error(`${i}: ${m}`);

  it('hands every result to onResult, waits for its promises, and runJobs keeps them in order', async () => {
    const seen: [number, number][] = [];
    let written = 0;
    await streamJobs(
      'no-such-worker',
      [3, 1, 2],
      (x: number) => x * 10,
      fail,
      async (i, r) => {
        seen.push([i, r]);
        await new Promise((res) => setTimeout(res, 5));
        written++;
      },
    );
    expect(seen).toEqual([
      [0, 30],
      [1, 10],
      [2, 20],
    ]);
    expect(written).toBe(3);
    expect(await runJobs('no-such-worker', [3, 1, 2], (x: number) => x + 1, fail)).toEqual([4, 2, 3]);
  });

  it('a failed onResult (a write) fails the run', async () => {
    await expect(
      streamJobs(
        'no-such-worker',
        [1, 2],
        (x: number) => x,
        fail,
        async (i) => {
          if (i === 1) throw new Error('disk full');
        },
      ),
    ).rejects.toThrow('disk full');
  });
});

describe('cryodx ctf: workers started before the CLI loads', () => {
  it('counts the micrographs of a local ctf command line, and none for anything else', async () => {
    const { ctfMicrographs } = await import('../src/node/cli/main.js');
    expect(ctfMicrographs(['ctf', 'a.mrc', 'b.mrc', '--angpix', '0.83', '--out', 'x.mrc', 'c.MRCS'])).toBe(3);
    expect(ctfMicrographs(['ctf', 'a.mrc.gz', 'b.mrcs.GZ', 'notes.txt'])).toBe(2);
    expect(ctfMicrographs(['ctf', 'a.mrc', 'b.mrc', '--executor', 'slurm'])).toBe(0);
    expect(ctfMicrographs(['ctf', 'a.mrc', 'b.mrc', '--executor=slurm'])).toBe(0);
    expect(ctfMicrographs(['ctf', 'a.mrc', 'b.mrc', '--help'])).toBe(0);
    expect(ctfMicrographs(['fsc', 'a.mrc', 'b.mrc'])).toBe(0);
  });
});

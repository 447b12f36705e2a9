import { describe, expect, it } from 'vitest';
import { bytesOf, fixture } from '../../../../test/paths.js';
import { readStar } from '../star/read.js';
import { jobTypeOf, parseJobName, readJobOptions, readPipeline } from './pipeline.js';

const star = (...p: string[]) => readStar(bytesOf(fixture(...p)), { source: p.join('/') });

describe('RELION pipeline and job options', () => {
  it('3.1 numbers and 5 labels give the same jobs, kinds and statuses', () => {
    const a = readPipeline(star('projects', 'relion31', 'default_pipeline.star'));
    const b = readPipeline(star('projects', 'relion5', 'default_pipeline.star'));
    const brief = (j: (typeof a)[number]) => [j.name, j.kind, j.number, j.status, j.alias];
    expect(a.map(brief)).toEqual(b.map(brief));
    expect(a.find((j) => j.name === 'Class3D/job014')!.status).toBe('failed');
    expect(a.find((j) => j.name === 'Polish/job011')).toMatchObject({
      kind: 'Polish',
      number: 11,
      status: 'succeeded',
    });
    expect(b[3]!.type).toBe('relion.autopick.log');
  });

  it('statuses RELION 3.1 numbers 0–4; names that are not job folders are left out', () => {
    const text =
      'data_pipeline_processes\nloop_\n_rlnPipeLineProcessName #1\n_rlnPipeLineProcessAlias #2\n' +
      '_rlnPipeLineProcessType #3\n_rlnPipeLineProcessStatus #4\n' +
      'A/job001/ None 1 0\nB/job002/ None 1 1\nC/job003/ None 1 2\nD/job004/ None 1 3\nE/job005/ None 1 4\n' +
      'notajob None 1 2\n';
    const jobs = readPipeline(readStar(text, { source: 'p.star' }));
    expect(jobs.map((j) => j.status)).toEqual(['running', 'scheduled', 'succeeded', 'failed', 'aborted']);
    expect(jobs[0]!.alias).toBeNull();
    expect(parseJobName('Refine3D/job029/')).toEqual({ name: 'Refine3D/job029', kind: 'Refine3D', number: 29 });
    expect(parseJobName('Refine3D/run1')).toBeNull();
  });

  it('job options from joboptions_values (3.1 and 5) and from a full definition with a TAB inside a value', () => {
    const o = readJobOptions(star('projects', 'relion5', 'Refine3D', 'job012', 'job.star'));
    expect(o.get('fn_img')).toBe('Polish/job011/shiny.star');
    expect(jobTypeOf(star('projects', 'relion5', 'Refine3D', 'job012', 'job.star'))).toBe('relion.refine3d');
    expect(jobTypeOf(star('projects', 'relion31', 'Refine3D', 'job012', 'job.star'))).toBe('10');
    const full = readJobOptions(star('star', 'job_tab.star'));
    expect(full.get('fn_img')).toBe('');
    expect(full.has('other')).toBe(true);
  });
});

import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZipEntry, zipEntries, type RandomAccess } from './zip.js';

/** A zip in memory read through a counter of the bytes asked for. */
function access(bytes: Uint8Array): RandomAccess & { bytesRead: number } {
  const a = {
    size: bytes.length,
    bytesRead: 0,
    read: async (s: number, e: number) => {
      a.bytesRead += Math.min(e, bytes.length) - s;
      return bytes.slice(s, e);
    },
  };
  return a;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const big = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);

// A RELION-like folder: a stored file, a deflated one, a large one, an empty folder, and an alias stored as a link
// (zip -y writes the link's target as its content and the unix mode 0120777 in the upper external attributes).
const files: Zippable = {
  'proj/default_pipeline.star': [text('data_pipeline_general\n'), { level: 0 }],
  'proj/Polish/job028/bfactors.star': text('data_perframe_bfactors\nloop_\n_rlnMovieFrameNumber\n1\n'.repeat(20)),
  'proj/Extract/job007/stack.mrcs': [big, { level: 6 }],
  'proj/Empty/': new Uint8Array(0),
  'proj/Polish/polish': [text('../Polish/job028/'), { os: 3, attrs: 0o120777 << 16, level: 0 }],
};

describe('zip archives read by random access', () => {
  it('lists files, folders and links; reads one entry without reading the archive', async () => {
    const zip = zipSync(files);
    const a = access(zip);
    const entries = await zipEntries(a, 'proj.zip');
    const kind = Object.fromEntries(entries.map((e) => [e.path, e.kind]));
    expect(kind).toEqual({
      'proj/default_pipeline.star': 'file',
      'proj/Polish/job028/bfactors.star': 'file',
      'proj/Extract/job007/stack.mrcs': 'file',
      'proj/Empty/': 'directory',
      'proj/Polish/polish': 'symlink',
    });
    const before = a.bytesRead;
    const star = entries.find((e) => e.path.endsWith('bfactors.star'))!;
    expect(new TextDecoder().decode(await readZipEntry(a, star, 'proj.zip'))).toMatch(/^data_perframe_bfactors/);
    // The 200 kB stack was not read to get the STAR file.
    expect(a.bytesRead - before).toBeLessThan(2000);
    const stack = await readZipEntry(
      a,
      entries.find((e) => e.path.endsWith('.mrcs'))!,
      'proj.zip',
    );
    expect(stack).toEqual(big);
  });

  it('refuses a damaged entry and a file that is no zip, naming them', async () => {
    const zip = zipSync({ 'a.star': [text('data_x\n_rlnA 1\n'), { level: 0 }] });
    const entries = await zipEntries(access(zip), 'p.zip');
    const bad = zip.slice();
    bad[bad.indexOf(0x5f)] = 0x41; // one byte of the stored data changed
    await expect(readZipEntry(access(bad), entries[0]!, 'p.zip')).rejects.toThrow(/p\.zip: a\.star.*CRC-32/);
    await expect(zipEntries(access(text('not a zip at all')), 'x.zip')).rejects.toThrow(/x\.zip.*end-of-central/);
  });
});

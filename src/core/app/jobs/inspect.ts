import { detectFormat } from '../../io/detect.js';
import { readNpy } from '../../io/npy.js';
import { readParticles } from '../../io/star/particles.js';
import { readStar } from '../../io/star/read.js';
import { decodeText, maybeGunzip } from '../../io/bytes.js';
import { ctfFromBytes } from '../inputs/ctf-results.js';
import type { NamedBytes } from '../job.js';
import { summarizeModel } from '../../io/misc-formats.js';
import { readPae } from '../../io/pae.js';
import { checkValues } from '../../model/checked-map.js';
import { readMap } from '../inputs/maps.js';
import { particleAngles } from '../inputs/particles.js';
import { fitAsymmetricUnit } from '../../analysis/orientations/asymmetric-unit.js';
import { orientationProblem } from '../../analysis/orientations/scf.js';
import { isRelionTomoStar, readTomoFile } from '../../io/tomo/index.js';

export interface DroppedFileSummary {
  ok: boolean;
  /** A one-line summary (box, pixel size, counts) or the error, as the CLI would print it. */
  text: string;
  pixelSizeA: number | null;
  box: number | null;
  /** A map's size along x, y, z. */
  shape?: number[] | null;
  /** Particles whose angles fill only a point group's asymmetric unit: the group (asymmetric-unit.ts). */
  anglesFit?: { symmetry: string; statement: string } | null;
}

/** A dropped file read once on its own: what it is, or the sentence that says what is wrong with it. */
export function inspectFile(file: NamedBytes): DroppedFileSummary {
  const { name, bytes } = file;
  try {
    const fmt = detectFormat(name, bytes.subarray(0, 4096));
    if (fmt === 'mrc') {
      const m = readMap(file);
      // The reader's scan judged here too: a damaged map is named when dropped, not only when the run starts.
      checkValues(name, m.volume.data, m.scan);
      const v = m.volume;
      const px = v.pixelSizeA?.[0] ?? null;
      const notes = m.warnings.length ? ` (${m.warnings.map((w) => w.message).join('; ')})` : '';
      return {
        ok: true,
        text: `${v.nx}×${v.ny}×${v.nz}${px ? `, ${px.toFixed(3)} Å/px` : ', no pixel size in the header'}${notes}`,
        pixelSizeA: px,
        box: v.nx,
        shape: [v.nx, v.ny, v.nz],
      };
    }
    if (fmt === 'model') {
      const m = summarizeModel(bytes, name).summary;
      const plddt = m.plddt ? `, mean pLDDT ${m.plddt.meanCa.toFixed(1)}` : '';
      return { ok: true, text: `model: ${m.atoms} atoms, ${m.residues} residues${plddt}`, pixelSizeA: null, box: null };
    }
    if (/\.json$/i.test(name)) {
      const p = readPae(decodeText(bytes), name);
      return { ok: true, text: `PAE of ${p.n} residues`, pixelSizeA: null, box: null };
    }
    if (
      fmt === 'tilt-series' ||
      (fmt === 'star' && isRelionTomoStar(readStar(maybeGunzip(bytes, name), { source: name })))
    ) {
      const series = readTomoFile(name, bytes).sources;
      const text = series.map((s) => `tilt series ${s.series ?? '(unnamed)'}: ${s.tilts.length} tilts`).join('; ');
      return { ok: true, text: text || 'tomography STAR naming its tilt series', pixelSizeA: null, box: null };
    }
    if ((fmt === 'npy' || fmt === 'star') && !(/ctf|micrograph/i.test(name) || /\.txt$/i.test(name))) {
      const count =
        fmt === 'npy'
          ? readNpy(maybeGunzip(bytes, name), name).rows
          : readParticles(readStar(maybeGunzip(bytes, name), { source: name })).particles.count;
      return { ok: true, text: `${count} particles`, pixelSizeA: null, box: null, anglesFit: anglesFitOf(file) };
    }
    const est = ctfFromBytes(name, bytes);
    return { ok: true, text: `${est.length} micrograph CTF results`, pixelSizeA: null, box: null };
  } catch (err) {
    return { ok: false, text: (err as Error).message, pixelSizeA: null, box: null };
  }
}

/** The group a particle file's angles were refined with, when they fill only its asymmetric unit. */
function anglesFitOf(file: NamedBytes): DroppedFileSummary['anglesFit'] {
  try {
    const a = particleAngles(file);
    if (orientationProblem(a.rotDeg, a.tiltDeg)) return null;
    const fit = fitAsymmetricUnit(a.rotDeg, a.tiltDeg);
    return fit ? { symmetry: fit.symmetry, statement: fit.statement } : null;
  } catch {
    return null;
  }
}

// Every reader the fuzz suite drives, run on the built package (dist/) so that a worker thread can load it and be
// terminated when a case does not end. Each entry reads one file and returns the numbers that must be finite.
import { parentPort } from 'node:worker_threads';
import { readMap } from '../../dist/core/app/inputs/maps.js';
import { ctfFromBytes } from '../../dist/core/app/inputs/ctf-results.js';
import { FormatError, InputError } from '../../dist/core/errors.js';
import { checkValues } from '../../dist/core/model/checked-map.js';
import { csToStar } from '../../dist/core/io/cryosparc/convert.js';
import { readCtffind, readCtffindAvrot } from '../../dist/core/io/ctffind.js';
import { readMdoc, readTlt, readXf } from '../../dist/core/io/imod.js';
import { readMtf } from '../../dist/core/io/mtf.js';
import { readNpy } from '../../dist/core/io/npy.js';
import { readPae } from '../../dist/core/io/pae.js';
import { readClassModel } from '../../dist/core/io/processing/classes.js';
import { readCorrectedMicrographs, readMotionStar } from '../../dist/core/io/processing/motion.js';
import { readJobOptions, readPipeline } from '../../dist/core/io/processing/pipeline.js';
import { readPolishBfactors } from '../../dist/core/io/processing/polish.js';
import { readParticles } from '../../dist/core/io/star/particles.js';
import { readStar } from '../../dist/core/io/star/read.js';
import { writeStar } from '../../dist/core/io/star/write.js';
import { readStructure } from '../../dist/core/io/structure.js';

const text = (b) => new TextDecoder().decode(b);
const star = (b, name) => readStar(b, { source: name });
const ctfNumbers = (rows) => rows.flatMap((e) => [e.defocusUA, e.defocusVA, e.astigmatismAngleDeg]);

/** reader name → (bytes, file name) → numbers that must be finite. */
export const READERS = {
  mrc: (b, name) => {
    const m = readMap({ name, bytes: b });
    checkValues(name, m.volume.data, m.scan);
    return [...(m.volume.pixelSizeA ?? []), ...m.volume.originA, m.volume.data.reduce((s, v) => s + v, 0)];
  },
  star: (b, name) => {
    for (const block of star(b, name).blocks) for (const c of block.loop?.columns ?? []) block.loop.column(c);
    return [];
  },
  particles: (b, name) => {
    readParticles(star(b, name));
    return [];
  },
  ctf: (b, name) => ctfNumbers(ctfFromBytes(name, b)),
  ctffind: (b, name) => ctfNumbers(readCtffind(b, name).estimates),
  avrot: (b, name) => {
    readCtffindAvrot(b, name);
    return [];
  },
  polish: (b, name) => readPolishBfactors(star(b, name)).flatMap((r) => [r.frame, r.bfactorA2, r.lnScale]),
  motion: (b, name) => {
    const doc = star(b, name);
    if (/corrected/.test(name)) readCorrectedMicrographs(doc);
    else readMotionStar(doc);
    return [];
  },
  pipeline: (b, name) => {
    const doc = star(b, name);
    if (/pipeline/.test(name)) readPipeline(doc);
    else readJobOptions(doc);
    return [];
  },
  classes: (b, name) => {
    readClassModel(star(b, name));
    return [];
  },
  mtf: (b, name) => {
    const m = readMtf(star(b, name));
    return [...m.frequencyInvPx, ...m.value];
  },
  cs: (b, name) => {
    // the convert path: the STAR writer refuses any non-finite number csToStar lets through
    writeStar(csToStar(readNpy(b, name), name).tables);
    return [];
  },
  npy: (b, name) => {
    const t = readNpy(b, name);
    return t.fields.flatMap((f) => {
      if (f.type[0] === 'S' || f.type[0] === 'U') return t.strings(f.name).length ? [] : [];
      return f.type[0] === 'f' ? [] : Array.from(t.numbers(f.name)); // floats may hold NaN in a raw table
    });
  },
  structure: (b, name) => {
    const s = readStructure(b, name);
    return [
      ...s.atoms.flatMap((a) => [a.xA, a.yA, a.zA, a.bfactorA2, a.occupancy]),
      ...s.residues.flatMap((r) => (r.plddt === null ? [] : [r.plddt])),
    ];
  },
  pae: (b, name) => Array.from(readPae(text(b), name).values),
  tlt: (b, name) => Array.from(readTlt(b, name)),
  xf: (b, name) => readXf(b, name).flatMap((t) => Object.values(t).filter((v) => typeof v === 'number')),
  mdoc: (b, name) => {
    readMdoc(b, name);
    return [];
  },
};

/** One case: 'ok', 'refused' (FormatError / InputError), 'internal' (any other error) or 'nonfinite'. */
export function runCase(reader, bytes, name) {
  try {
    const numbers = READERS[reader](bytes, name);
    const bad = numbers.findIndex((v) => !Number.isFinite(v));
    return bad >= 0 ? { outcome: 'nonfinite', message: `number ${bad} is ${numbers[bad]}` } : { outcome: 'ok' };
  } catch (e) {
    if (e instanceof FormatError || e instanceof InputError) return { outcome: 'refused', message: e.message };
    return { outcome: 'internal', message: `${e?.name}: ${e?.message}` };
  }
}

if (parentPort) {
  parentPort.on('message', ({ id, reader, bytes, name }) => {
    parentPort.postMessage({ id, ...runCase(reader, bytes, name) });
  });
}

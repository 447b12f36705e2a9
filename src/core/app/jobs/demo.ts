import { ctfToStar } from '../../io/ctf-star.js';
import { writeMrc } from '../../io/mrc/write.js';
import { readPdb } from '../../io/pdb.js';
import { writeStar } from '../../io/star/write.js';
import { createVolume } from '../../model/volume.js';
import { demoDataset, type DemoDataset } from '../../simulate/demo.js';
import type { JobOutput } from '../job.js';
import { RLN } from '../../io/star/labels.js';

export interface DemoInputs {
  /** The dataset's files as a user's project would hold them (names relative to the demo folder). */
  files: JobOutput[];
  half1: string;
  half2: string;
  particles: string;
  ctf: string;
  planted: DemoDataset['planted'];
}

/**
 * The built-in example's inputs: half maps simulated from a PDB structure with planted problems
 * (overall B, blur along z from missing views, clustered views, poorly fitting CTFs), the particles'
 * angles as a RELION 3.1 STAR and the micrographs' CTF results, ready for the report job.
 */
export function demoInputs(pdbText: string, pdbName: string): DemoInputs {
  const d = demoDataset(readPdb(pdbText, pdbName));
  const px = d.pixelSizeA;
  const vol = (x: Float32Array): ReturnType<typeof createVolume> => createVolume(d.n, d.n, d.n, [px, px, px], x);
  const label = `cryodx demo: PDB ${pdbName}, B ${d.planted.bfactorA2} A^2, blur along z, noise`;
  const names = {
    half1: 'inputs/run_half1_class001_unfil.mrc',
    half2: 'inputs/run_half2_class001_unfil.mrc',
    particles: 'inputs/run_data.star',
    ctf: 'inputs/micrographs_ctf.star',
  };
  const imageName = (i: number): string =>
    `${String((i % 500) + 1).padStart(6, '0')}@Extract/demo_${Math.floor(i / 500)}.mrcs`;
  const optics = {
    columns: [
      RLN.opticsGroup,
      RLN.opticsGroupName,
      RLN.voltage,
      RLN.sphericalAberration,
      RLN.amplitudeContrast,
      RLN.imagePixelSize,
      RLN.imageSize,
    ],
    values: [[1], ['opticsGroup1'], [300], [2.7], [0.1], [px], [d.n]],
  };
  const particles = {
    columns: [RLN.imageName, RLN.angleRot, RLN.angleTilt, RLN.anglePsi, RLN.opticsGroup],
    values: [
      Array.from(d.rotDeg, (_, i) => imageName(i)),
      d.rotDeg,
      d.tiltDeg,
      d.rotDeg.map(() => 0),
      d.rotDeg.map(() => 1),
    ],
  };
  const files: JobOutput[] = [
    { name: names.half1, bytes: writeMrc(vol(d.half1), { labels: [label] }) },
    { name: names.half2, bytes: writeMrc(vol(d.half2), { labels: [label] }) },
    {
      name: names.particles,
      text: writeStar([
        { name: 'optics', loop: optics },
        { name: 'particles', loop: particles },
      ]),
    },
    { name: names.ctf, text: writeStar(ctfToStar(d.ctf)) },
  ];
  return { files, ...names, planted: d.planted };
}

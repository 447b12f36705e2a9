import { Ctf } from '../model/ctf-physics.js';
import { allocateSpectrum, irfft3d, signedFrequency } from '../fourier/rfft3d.js';
import { seededRandom } from '../util/random.js';
import { gaussianRandom } from './maps.js';

/**
 * Synthetic micrographs with known CTF parameters, for testing the fit: a random specimen whose
 * amplitude falls as 1/√(1 + (k/0.04)²), multiplied by the CTF and an envelope exp(−B·k²/4), plus
 * detector noise whose spectrum is not flat (so the background subtraction has work to do). A
 * specimen of thickness t is simulated as `layers` independent slabs spread over t in defocus —
 * the physics behind CTFFIND5's sinc term, not the formula itself.
 */
export interface MicrographSimulation {
  nx: number;
  ny: number;
  pixelSizeA: number;
  voltageKv?: number;
  csMm?: number;
  amplitudeContrast?: number;
  defocusUA: number;
  defocusVA: number;
  astigmatismAngleDeg: number;
  phaseShiftRad?: number;
  envelopeBA2?: number;
  /** Noise amplitude relative to the specimen amplitude at zero frequency (1 = a noisy micrograph). */
  noise?: number;
  thicknessA?: number;
  layers?: number;
  seed?: number;
}

export function simulateMicrograph(s: MicrographSimulation): Float32Array {
  const layers = s.thicknessA ? (s.layers ?? 16) : 1;
  const ctfs = Array.from({ length: layers }, (_, l) => {
    const z = s.thicknessA ? ((l + 0.5) / layers - 0.5) * s.thicknessA : 0;
    return new Ctf({
      voltageKv: s.voltageKv ?? 300,
      csMm: s.csMm ?? 2.7,
      amplitudeContrast: s.amplitudeContrast ?? 0.07,
      defocusUA: s.defocusUA + z,
      defocusVA: s.defocusVA + z,
      astigmatismAngleDeg: s.astigmatismAngleDeg,
      phaseShiftRad: s.phaseShiftRad ?? 0,
    });
  });
  const gauss = gaussianRandom(seededRandom(s.seed ?? 1));
  const spec = allocateSpectrum(s.nx, s.ny, 1);
  const b = s.envelopeBA2 ?? 100,
    noise = s.noise ?? 1,
    norm = 1 / Math.sqrt(layers);
  for (let y = 0; y < s.ny; y++) {
    const ky = signedFrequency(y, s.ny) / (s.ny * s.pixelSizeA);
    for (let x = 0; x < spec.nxh; x++) {
      const kx = x / (s.nx * s.pixelSizeA),
        k = Math.hypot(kx, ky),
        alpha = Math.atan2(ky, kx);
      const amp = Math.exp((-b * k * k) / 4) / Math.sqrt(1 + (k / 0.04) ** 2);
      let re = 0,
        im = 0;
      for (const ctf of ctfs) {
        const t = amp * ctf.value(k, alpha) * norm;
        re += t * gauss();
        im += t * gauss();
      }
      // Detector noise: a smooth low-frequency excess over a white floor.
      const n = noise * (0.6 + 0.8 * Math.exp(-k / 0.05));
      const i = 2 * (x + spec.nxh * y);
      spec.data[i] = re + n * gauss();
      spec.data[i + 1] = im + n * gauss();
    }
  }
  spec.data[0] = spec.data[1] = 0;
  return irfft3d(spec);
}

import { Ctf } from '../model/ctf-physics.js';
import { allocateSpectrum, irfft3d, signedFrequency } from '../fourier/rfft3d.js';
import { distanceFromAxisA, planeDefocusOffsetA, type Handedness } from '../analysis/tomo/geometry.js';
import { seededRandom } from '../util/random.js';
import { gaussianRandom } from './maps.js';

/**
 * Synthetic tilt series with known per-tilt defocus planes (issue 10): each tilt is one random
 * specimen imaged with a CTF whose defocus steps across strips parallel to the tilt axis
 * (Δf = Δf_centre − h·d·tan θ at the strip centre, src/core/analysis/tomo/geometry.ts). Signal falls with
 * tilt (inelastic loss through t / cos θ of ice) and with dose (envelope B = B0 + 4·pre-exposure,
 * Warp's rule), against constant detector noise — so the noise grows with tilt and dose.
 */
export interface TiltSeriesSimulation {
  nx: number;
  ny: number;
  pixelSizeA: number;
  tiltsDeg: number[];
  /** Acquisition rank of each tilt (0 = first exposed). */
  order: number[];
  dosePerTiltEPerA2: number;
  /** Centre defocus per tilt, Å. */
  defocusA: number[];
  astigmatismA?: number;
  astigmatismAngleDeg?: number;
  tiltAxisDeg?: 0 | 90;
  handedness?: Handedness;
  stripPx?: number;
  noise?: number;
  iceThicknessA?: number;
  envelopeB0A2?: number;
  seed?: number;
}

export interface SimulatedTiltSeries {
  stack: Float32Array;
  preExposureEPerA2: number[];
  envelopeBA2: number[];
}

const INELASTIC_MFP_A = 3500;

export function simulateTiltSeries(s: TiltSeriesSimulation): SimulatedTiltSeries {
  const n = s.tiltsDeg.length;
  const pre = s.order.map((rank) => rank * s.dosePerTiltEPerA2);
  const env = pre.map((p) => (s.envelopeB0A2 ?? 60) + 4 * p);
  const stack = new Float32Array(s.nx * s.ny * n);
  s.tiltsDeg.forEach((tilt, i) => {
    const scale = Math.exp(-(s.iceThicknessA ?? 1000) / (2 * INELASTIC_MFP_A * Math.cos((tilt * Math.PI) / 180)));
    stack.set(simulateTilt(s, tilt, s.defocusA[i]!, env[i]!, scale, (s.seed ?? 1) * 1000 + i), i * s.nx * s.ny);
  });
  return { stack, preExposureEPerA2: pre, envelopeBA2: env };
}

function simulateTilt(
  s: TiltSeriesSimulation,
  tiltDeg: number,
  centreA: number,
  bA2: number,
  scale: number,
  seed: number,
): Float32Array {
  const { nx, ny, pixelSizeA: px } = s;
  const axis = s.tiltAxisDeg ?? 0,
    h = s.handedness ?? 1,
    strip = s.stripPx ?? 128;
  const gauss = gaussianRandom(seededRandom(seed));
  const base = allocateSpectrum(nx, ny, 1);
  const noise = new Float64Array(base.data.length);
  // One specimen and one noise realisation; each strip images the specimen at its own defocus.
  for (let y = 0; y < ny; y++) {
    const ky = signedFrequency(y, ny) / (ny * px);
    for (let x = 0; x < base.nxh; x++) {
      const kx = x / (nx * px),
        k = Math.hypot(kx, ky),
        i = 2 * (x + base.nxh * y);
      const amp = (scale * Math.exp((-bA2 * k * k) / 4)) / Math.sqrt(1 + (k / 0.04) ** 2);
      base.data[i] = amp * gauss();
      base.data[i + 1] = amp * gauss();
      const nk = (s.noise ?? 0.3) * (0.6 + 0.8 * Math.exp(-k / 0.05));
      noise[i] = nk * gauss();
      noise[i + 1] = nk * gauss();
    }
  }
  const out = new Float32Array(nx * ny);
  const across = axis === 0 ? nx : ny;
  for (let s0 = 0; s0 < across; s0 += strip) {
    const mid = s0 + Math.min(strip, across - s0) / 2 - across / 2;
    const d = axis === 0 ? distanceFromAxisA(mid, 0, 0, px) : distanceFromAxisA(0, mid, 90, px);
    const df = centreA + planeDefocusOffsetA(d, tiltDeg, h);
    const ctf = new Ctf({
      voltageKv: 300,
      csMm: 2.7,
      amplitudeContrast: 0.07,
      defocusUA: df + (s.astigmatismA ?? 0) / 2,
      defocusVA: df - (s.astigmatismA ?? 0) / 2,
      astigmatismAngleDeg: s.astigmatismAngleDeg ?? 0,
    });
    const spec = allocateSpectrum(nx, ny, 1);
    for (let y = 0; y < ny; y++) {
      const ky = signedFrequency(y, ny) / (ny * px);
      for (let x = 0; x < base.nxh; x++) {
        const kx = x / (nx * px),
          i = 2 * (x + base.nxh * y);
        const c = ctf.value(Math.hypot(kx, ky), Math.atan2(ky, kx));
        spec.data[i] = base.data[i]! * c + noise[i]!;
        spec.data[i + 1] = base.data[i + 1]! * c + noise[i + 1]!;
      }
    }
    spec.data[0] = spec.data[1] = 0;
    const img = irfft3d(spec);
    const end = Math.min(across, s0 + strip);
    if (axis === 0) for (let y = 0; y < ny; y++) for (let x = s0; x < end; x++) out[x + nx * y] = img[x + nx * y]!;
    else for (let y = s0; y < end; y++) out.set(img.subarray(y * nx, (y + 1) * nx), y * nx);
  }
  return out;
}

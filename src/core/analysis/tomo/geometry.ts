/**
 * Tilt geometry, in one place so that the tiles, the particles and the simulator agree.
 *
 * - The tilt axis angle φ is measured counterclockwise from the image Y axis (IMOD / SerialEM
 *   "tilt axis angle"); the signed distance of an image point from the axis is d = x·cos φ + y·sin φ.
 * - The tomogram frame has its tilt axis along Y; a tilt θ rotates about it:
 *   x' = x·cos θ + z·sin θ (along the image normal to the axis), z' = −x·sin θ + z·cos θ (height).
 * - Handedness h = +1: height z' towards the electron source adds underfocus, Δf = Δf_centre + h·z'
 *   (REFERENCE.md: "Δf_particle = Δf_tilt + z, sign by handedness"). A flat specimen then has
 *   z' = −d·tan θ at image distance d, so Δf(d) = Δf_centre − h·d·tan θ (CTFFIND5 / Warp tilted plane).
 */
export type Handedness = 1 | -1;

const RAD = Math.PI / 180;

export function distanceFromAxisA(xPx: number, yPx: number, tiltAxisDeg: number, pixelSizeA: number): number {
  return (xPx * Math.cos(tiltAxisDeg * RAD) + yPx * Math.sin(tiltAxisDeg * RAD)) * pixelSizeA;
}

/** Defocus offset (Å) of a flat specimen at signed distance d (Å) from the tilt axis. */
export function planeDefocusOffsetA(distanceA: number, tiltDeg: number, handedness: Handedness): number {
  return -handedness * distanceA * Math.tan(tiltDeg * RAD);
}

/** Height (Å, towards the source) of a tomogram point after tilting by θ about the tomogram Y axis. */
export function heightAfterTiltA(xA: number, zA: number, tiltDeg: number): number {
  return -xA * Math.sin(tiltDeg * RAD) + zA * Math.cos(tiltDeg * RAD);
}

/** A particle's defocus (Å) in one tilt, from the tilt's centre defocus and the particle's height. */
export function particleDefocusA(
  xA: number,
  zA: number,
  tiltDeg: number,
  centreDefocusA: number,
  handedness: Handedness,
): number {
  return centreDefocusA + handedness * heightAfterTiltA(xA, zA, tiltDeg);
}

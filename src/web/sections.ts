import { scaleBarA } from '../core/report/png.js';
import type { RunResult } from './protocol.js';

/**
 * Sections through the sharpened map, the mask and the local-resolution map: a volume, an axis and a slider; each
 * drawn at 384 px with a scale bar in Å (a section without a scale says nothing about size).
 */
type Volumes = NonNullable<RunResult['volumes']>;
const SIZE = 384;

export function sectionsPanel(v: Volumes, pixelSizeA: number | null): HTMLElement {
  const panel = document.createElement('div');
  panel.className = 'slices';
  panel.dataset['testid'] = 'sections';
  const vols: [string, Float32Array][] = [
    ['sharpened map', v.sharpened],
    ...(v.mask ? [['mask', v.mask] as [string, Float32Array]] : []),
    ...(v.locres ? [['local resolution (bright = worse)', v.locres] as [string, Float32Array]] : []),
  ];
  const select = document.createElement('select');
  vols.forEach(([name], i) => select.add(new Option(name, String(i))));
  const axis = document.createElement('select');
  for (const a of ['z', 'y', 'x']) axis.add(new Option(a, a));
  const index = document.createElement('input');
  index.type = 'range';
  index.min = '0';
  index.max = String(v.n - 1);
  index.value = String(v.n >> 1);
  const label = document.createElement('span');
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SIZE;
  const draw = (): void => {
    const [name, data] = vols[Number(select.value)]!;
    const c = Number(index.value);
    drawSection(canvas, data, v.n, axis.value as 'x' | 'y' | 'z', c, name === 'mask', pixelSizeA);
    label.textContent = `${name}, ${axis.value} = ${c}`;
  };
  select.onchange = axis.onchange = index.oninput = draw;
  const field = (text: string, el: HTMLElement): HTMLLabelElement => {
    const l = document.createElement('label');
    l.append(`${text} `, el);
    return l;
  };
  const controls = document.createElement('div');
  controls.className = 'controls';
  controls.append(field('show', select), field('axis', axis), field('section', index), label);
  panel.append(controls, canvas);
  draw();
  return panel;
}

/** One section, scaled between the 1st and 99th percentiles of the whole volume (0…1 for a mask), y up. */
function drawSection(
  canvas: HTMLCanvasElement,
  data: Float32Array,
  n: number,
  axis: 'x' | 'y' | 'z',
  c: number,
  unit: boolean,
  pixelSizeA: number | null,
): void {
  const [lo, hi] = unit ? [0, 1] : percentiles(data);
  const img = new ImageData(n, n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      const i = axis === 'z' ? b + n * (a + n * c) : axis === 'y' ? b + n * (c + n * a) : c + n * (b + n * a);
      const t = Math.max(0, Math.min(255, Math.round(((data[i]! - lo) / (hi - lo || 1)) * 255)));
      const o = 4 * ((n - 1 - a) * n + b);
      img.data[o] = img.data[o + 1] = img.data[o + 2] = t;
      img.data[o + 3] = 255;
    }
  const small = document.createElement('canvas');
  small.width = small.height = n;
  small.getContext('2d')!.putImageData(img, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  g.drawImage(small, 0, 0, SIZE, SIZE);
  if (pixelSizeA) scaleBar(g, n, pixelSizeA);
}

/** A white bar with a dark rim and its length in Å, bottom left. */
function scaleBar(g: CanvasRenderingContext2D, n: number, pixelSizeA: number): void {
  const lengthA = scaleBarA(n, pixelSizeA);
  const px = (lengthA / pixelSizeA) * (SIZE / n);
  const x = 14,
    y = SIZE - 22;
  g.fillStyle = '#000';
  g.fillRect(x - 2, y - 2, px + 4, 10);
  g.fillStyle = '#fff';
  g.fillRect(x, y, px, 6);
  g.font = '13px sans-serif';
  g.lineWidth = 3;
  g.strokeStyle = '#000';
  g.strokeText(`${lengthA} Å`, x, y - 6);
  g.fillText(`${lengthA} Å`, x, y - 6);
}

function percentiles(data: Float32Array): [number, number] {
  const m = Math.min(data.length, 65536);
  const sample = Float32Array.from({ length: m }, (_, i) => data[Math.floor((i * data.length) / m)]!)
    .filter(Number.isFinite)
    .sort();
  return [sample[Math.floor(0.01 * sample.length)] ?? 0, sample[Math.floor(0.99 * sample.length)] ?? 1];
}

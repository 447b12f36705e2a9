import type { Command } from 'commander';
import { summarizeFile, type FileSummary } from '../../../core/io/summary.js';
import type { TiltSeriesSummary } from '../../../core/io/tomo/summary.js';
import { readInput } from '../../files.js';
import { fmt, printJson, table, warn } from '../output.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('summarise a map, STAR, cryoSPARC .cs, CTFFIND, IMOD or .mdoc file')
    .argument('<file>', 'input file (.mrc .map .mrcs .st .gz .star .cs .txt .tlt .xf .mdoc)')
    .option('--json', 'print one JSON object to stdout')
    .addHelpText('after', '\nExample:\n  cryodx info run_half1_class001_unfil.mrc --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { summary, warnings } = summarizeFile(file, await readInput(file));
      if (opts.json) printJson({ file, ...summary, warnings });
      else process.stdout.write(render(file, summary) + '\n');
      if (!opts.json) warnings.forEach((w) => warn(w.message));
    });
}

function tiltSeriesText(t: TiltSeriesSummary): string {
  const pair = (v: [number, number] | undefined, scale = 1): string =>
    v ? v.map((x) => fmt(x / scale)).join(' – ') : 'not in this file';
  return table([
    ['tilt series', `${t.name ?? '(unnamed)'} — ${t.program}`],
    ['tilts', String(t.tilts)],
    ['tilt range (°)', pair(t.tiltRangeDeg)],
    ['tilt axis (°)', t.axisDeg !== undefined ? fmt(t.axisDeg) : 'not in this file'],
    ['dose per tilt (e/Å²)', t.dosePerTiltEPerA2 !== undefined ? fmt(t.dosePerTiltEPerA2) : 'not in this file'],
    ['defocus (µm)', pair(t.defocusUA, 1e4)],
    ['CTF fit resolution (Å)', pair(t.fitResolutionA)],
    ...(t.thicknessA !== undefined ? ([['thickness (nm)', fmt(t.thicknessA / 10)]] as [string, string][]) : []),
    ...(t.ctfResolutionA !== undefined
      ? ([['series CTF resolution (Å)', fmt(t.ctfResolutionA)]] as [string, string][])
      : []),
  ]);
}

function render(file: string, s: FileSummary): string {
  switch (s.format) {
    case 'mrc':
      return table([
        ['file', file],
        ['kind', `${s.kind} (MRC mode ${s.mode}, ${s.byteOrder}-endian)`],
        ['size (x, y, z)', `${s.nx} × ${s.ny} × ${s.nz}`],
        [
          'pixel size (Å)',
          s.pixelSizeA ? s.pixelSizeA.map((p) => fmt(p, 6)).join(', ') : 'unknown (header has no cell size)',
        ],
        ['origin (Å)', s.origin.map((o) => fmt(o)).join(', ')],
        ['first voxel (NXSTART, NYSTART, NZSTART)', s.startVoxel.join(', ')],
        ['axis order', s.axisOrder.join(', ')],
        ['min / max', `${fmt(s.min)} / ${fmt(s.max)}`],
        ['mean / rms', `${fmt(s.mean)} / ${fmt(s.rms)}`],
        ['extended header', s.extendedHeaderBytes ? `${s.extendedHeaderBytes} bytes ${s.extendedHeaderType}` : 'none'],
        ...s.labels.map((l, i) => [`label ${i + 1}`, l] as const),
      ]);
    case 'star':
      return [
        `file  ${file}`,
        ...s.blocks.map(
          (b) =>
            `data_${b.name}: ` +
            `${b.loop ? `loop, ${b.rows} rows × ${b.columns.length} columns` : `${b.columns.length} values`}\n  ` +
            `${b.columns.map((c) => '_' + c).join(' ')}`,
        ),
        ...(s.tiltSeries ?? []).map(tiltSeriesText),
      ].join('\n');
    case 'tilt-series':
      return [`file  ${file}`, ...s.tiltSeries.map(tiltSeriesText)].join('\n');
    case 'npy':
      return [
        `file  ${file}`,
        `rows  ${s.rows}`,
        'fields',
        ...s.fields.map((f) => `  ${f.name}  ${f.type}${f.shape.length ? ` ×(${f.shape.join(', ')})` : ''}`),
      ].join('\n');
    case 'ctffind':
      return table([
        ['file', file],
        ['CTFFIND version', s.version ?? 'unknown'],
        ['micrographs', String(s.micrographs)],
        ['pixel size (Å)', fmt(s.pixelSizeA)],
        [
          'voltage (kV) / Cs (mm) / amp. contrast',
          `${fmt(s.voltageKv)} / ${fmt(s.csMm)} / ${fmt(s.amplitudeContrast)}`,
        ],
        ['defocus U range (Å)', s.defocusUA.map((d) => fmt(d, 6)).join(' – ')],
        ['fit resolution range (Å)', s.fitResolutionA.map((d) => fmt(d)).join(' – ')],
      ]);
    case 'ctffind-avrot':
      return table([
        ['file', file],
        ['micrographs', String(s.micrographs)],
        ['frequency bins', String(s.bins)],
        ['frequency range (1/Å)', s.spatialFrequencyInvA.map((d) => fmt(d)).join(' – ')],
      ]);
    case 'tlt':
      return table([
        ['file', file],
        ['tilts', String(s.tilts)],
        ['tilt range (°)', s.tiltDeg.map((d) => fmt(d)).join(' – ')],
      ]);
    case 'xf':
      return table([
        ['file', file],
        ['transforms', String(s.transforms)],
      ]);
    case 'mdoc':
      return table([
        ['file', file],
        ['sections', String(s.sections)],
        ['tilt range (°)', s.tiltDeg ? s.tiltDeg.map((d) => fmt(d)).join(' – ') : '—'],
        ['pixel spacing (Å)', fmt(s.pixelSpacingA)],
        ['total dose (e/Å²)', fmt(s.doseEPerA2)],
      ]);
    case 'fsc-xml':
      return table([
        ['file', file],
        ['kind', `EMDB FSC XML${s.title ? ` ("${s.title}")` : ''}`],
        ['points', String(s.points)],
        ['resolution at 0.143 / 0.5 (Å)', `${fmt(s.resolutionA.fsc0143)} / ${fmt(s.resolutionA.fsc05)}`],
      ]);
    case 'picks':
      return table([
        ['file', file],
        ['kind', `particle picks (${s.program})`],
        ['picks', String(s.picks)],
        ['micrographs', String(s.micrographs)],
        ['box (px)', fmt(s.boxPx)],
        ['score range', s.score ? s.score.map((x) => fmt(x)).join(' – ') : '—'],
      ]);
    case 'model':
      return table([
        ['file', file],
        ['kind', s.plddt ? 'atomic model (AlphaFold: pLDDT in the B column)' : 'atomic model (PDB)'],
        ['atoms / residues', `${s.atoms} / ${s.residues}`],
        ['chains', s.chains.join(', ')],
        [s.plddt ? 'pLDDT range' : 'B range (Å²)', s.bRange.map((x) => fmt(x)).join(' – ')],
        ...(s.plddt
          ? ([
              ['mean pLDDT (Cα)', fmt(s.plddt.meanCa)],
              [
                'residues with pLDDT < 70 / < 50',
                `${(100 * s.plddt.fractionBelow70).toFixed(0)} % / ${(100 * s.plddt.fractionBelow50).toFixed(0)} %`,
              ],
            ] as [string, string][])
          : []),
      ]);
  }
}

import type { Command } from 'commander';
import { join } from 'node:path';
import { constructJob, modelFscJob } from '../../../core/app/jobs/model.js';
import { readNamed, readNamedOptional, writeOutputs } from '../../job-io.js';
import { printJson, warn } from '../output.js';
import { inputPaths, positiveNumber } from '../options.js';
import { processCompute } from '../../compute.js';

interface ModelFscFlags {
  map: string;
  model: string;
  half1?: string;
  half2?: string;
  angpix?: number;
  resolutionA?: number;
  json?: boolean;
  out: string;
}

interface ConstructFlags {
  pae?: string;
  locres?: string;
  modelInMap?: string;
  json?: boolean;
  out: string;
}

export function registerModel(program: Command): void {
  program
    .command('model-fsc')
    .description(
      "a model's density on the map's grid (ITC electron scattering factors, atomic B), the map–model FSC unmasked " +
        'and inside a soft mask around the model, and with half maps each half against the model (overfitting)',
    )
    .requiredOption('--map <map>', 'the map the model was built into (MRC)')
    .requiredOption('--model <file>', 'the model: PDB or mmCIF, placed in the map')
    .option('--half1 <map>', 'half map the model was refined against')
    .option('--half2 <map>', 'the other half map')
    .option('--angpix <A>', 'pixel size in Å (default: the headers)', positiveNumber('--angpix'))
    .option(
      '--resolution-a <A>',
      'resolution for the mask radius (default: the 0.5 crossing)',
      positiveNumber('--resolution-a'),
    )
    .option('--json', 'print model_fsc.json to stdout')
    .option(
      '--out <dir>',
      'output folder (model_fsc.json, model_map.mrc on the map’s grid, model_fsc.svg)',
      'model-fsc',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx model-fsc --map postprocess.mrc --model model.cif --half1 h1.mrc --half2 h2.mrc ' +
        '--out mfsc/',
    )
    .action(async (opts: ModelFscFlags) => {
      const [map, model] = await Promise.all([opts.map, opts.model].map(readNamed));
      const [half1, half2] = await Promise.all([opts.half1, opts.half2].map(readNamedOptional));
      const job = await modelFscJob(
        {
          map: map!,
          model: model!,
          ...(half1 ? { half1 } : {}),
          ...(half2 ? { half2 } : {}),
          pixelSizeA: opts.angpix ?? null,
          resolutionA: opts.resolutionA ?? null,
        },
        await processCompute(),
      );
      await writeOutputs(opts.out, job.outputs, inputPaths(opts.map, opts.model, opts.half1, opts.half2));
      job.warnings.forEach((w) => warn(w.message));
      if (opts.json) return printJson(job.result);
      const c = job.result.crossings;
      const f = (v: number | null): string => (v === null ? '—' : `${v.toFixed(2)} Å`);
      process.stdout.write(
        `map vs model: FSC 0.5 at ${f(c.mapModel.fsc05A)} (masked ${f(c.masked.fsc05A)}), 0.143 at ` +
          `${f(c.mapModel.fsc0143A)} (masked ${f(c.masked.fsc0143A)})\noverfitting: ${job.result.overfitting.verdict}` +
          ` — ${job.result.overfitting.evidence}\n` +
          `Wrote ${join(opts.out, 'model_fsc.json')}, model_map.mrc, model_fsc.svg\n`,
      );
    });

  program
    .command('construct')
    .description(
      "construct advice from a predicted model: pLDDT's disordered and low-confidence segments, termini and loops to " +
        'truncate, domains from PAE and the hinges between them; with a local-resolution map, where the two agree',
    )
    .argument('<model>', 'AlphaFold model (PDB or mmCIF; pLDDT in the B column or _ma_qa_metric_local)')
    .option('--pae <json>', 'AlphaFold PAE JSON (AlphaFold DB or ColabFold)')
    .option('--locres <map>', 'a local-resolution map (cryodx locres, RELION, ResMap) …')
    .option('--model-in-map <file>', '… and the model placed in that map (same residue numbering)')
    .option('--json', 'print construct.json to stdout')
    .option('--out <dir>', 'output folder (construct.json)', 'construct')
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx construct AF-P12345-F1-model_v4.cif --pae AF-P12345-F1-predicted_aligned_error_v4.json',
    )
    .action(async (modelPath: string, opts: ConstructFlags) => {
      const [model, pae, locres, modelInMap] = await Promise.all(
        [modelPath, opts.pae, opts.locres, opts.modelInMap].map(readNamedOptional),
      );
      const job = await constructJob({
        model: model!,
        ...(pae ? { pae } : {}),
        ...(locres ? { locres } : {}),
        ...(modelInMap ? { modelInMap } : {}),
      });
      await writeOutputs(opts.out, job.outputs, inputPaths(modelPath, opts.pae, opts.locres, opts.modelInMap));
      job.warnings.forEach((w) => warn(w.message));
      if (opts.json) return printJson(job.result);
      const r = job.result;
      const lines = [
        `${r.residues} residues, mean pLDDT ${r.meanPlddt?.toFixed(1) ?? '—'}; ` +
          (opts.pae ? `${r.domains.length} domain(s) from PAE among the confident residues` : 'no PAE given'),
        ...r.domains.map(
          (d, i) =>
            `  domain ${i + 1}: ${d.segments.map((s) => `${s.chain} ${s.start}–${s.end}`).join(', ')} ` +
            `(${d.residues} residues, mean PAE within ${d.meanPaeA.toFixed(1)} Å)`,
        ),
        ...r.truncations.map((t) => `truncate ${t.chain} ${t.start}–${t.end}: ${t.reason}`),
        ...r.hinges.map((h) => `hinge ${h.chain} ${h.linkerStart}–${h.linkerEnd}: ${h.reason}`),
        ...(opts.pae && r.domains.length > 1 && !r.hinges.length
          ? [`no hinge: no two domains have a mean PAE ≥ ${r.rules.hingePaeA} Å between them`]
          : []),
        ...r.agreement.map((a) => a.statement),
        `Wrote ${join(opts.out, 'construct.json')}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

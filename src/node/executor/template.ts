/**
 * Submission scripts as RELION writes them: a site's template with XXXnameXXX placeholders filled in
 * (RELION's names: XXXcommandXXX, XXXqueueXXX, XXXthreadsXXX, XXXcoresXXX, XXXmpinodesXXX, XXXnameXXX,
 * XXXoutfileXXX, XXXerrfileXXX, XXXextra1XXX …), so that a PBS, LSF or SGE site adapts the template, not the code.
 * The array range and dependencies are given to sbatch on its command line (they override the script's own).
 */
export const DEFAULT_TEMPLATE = `#!/bin/bash
#SBATCH --job-name=XXXnameXXX
#SBATCH --partition=XXXqueueXXX
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=XXXthreadsXXX
#SBATCH --output=XXXoutfileXXX
#SBATCH --error=XXXerrfileXXX
XXXextra1XXX
XXXcommandXXX
`;

export type TemplateValues = Record<string, string>;

/**
 * The template with every XXXkeyXXX replaced. A directive line (#SBATCH, #PBS, #BSUB, #$) whose placeholder is
 * empty is left out (an empty `--partition=` is an error to sbatch); a placeholder the values do not name is an
 * error, so a typo in a site's template is caught before anything is submitted.
 */
export function fillTemplate(template: string, values: TemplateValues): string {
  const out: string[] = [];
  for (const line of template.split('\n')) {
    const keys = [...line.matchAll(/XXX(\w+?)XXX/g)].map((m) => m[1]!);
    const unknown = keys.filter((k) => !(k in values));
    if (unknown.length) throw new Error(`unknown placeholder XXX${unknown[0]}XXX in the submission template`);
    const directive = /^\s*#(SBATCH|PBS|BSUB|\$)/.test(line);
    if (directive && keys.some((k) => values[k] === '')) continue;
    out.push(line.replace(/XXX(\w+?)XXX/g, (_m, k: string) => values[k]!));
  }
  return out.join('\n');
}

/** The placeholders RELION's templates use, with cryodx's values (unused ones empty). */
export function templateValues(v: {
  name: string;
  command: string;
  queue: string;
  threads: number;
  outfile: string;
  errfile: string;
  extra?: string[];
}): TemplateValues {
  const values: TemplateValues = {
    name: v.name,
    command: v.command,
    queue: v.queue,
    threads: String(v.threads),
    cores: String(v.threads),
    dedicated: String(v.threads),
    nodes: '1',
    mpinodes: '1',
    outfile: v.outfile,
    errfile: v.errfile,
  };
  for (let i = 1; i <= 10; i++) values[`extra${i}`] = v.extra?.[i - 1] ?? '';
  return values;
}

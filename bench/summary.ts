/** Prints every target recorded by the benchmark scripts of this run (bench/targets.ts), then clears them. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { RECORD_FILE, type TargetRow } from './targets.js';

if (process.argv.includes('--reset')) {
  // First step of npm run bench: nothing left over from an earlier, interrupted run.
  rmSync(RECORD_FILE, { force: true });
  process.exit(0);
}
if (!existsSync(RECORD_FILE)) {
  console.log('no benchmark recorded a target in this run');
  process.exit(0);
}
const rows = readFileSync(RECORD_FILE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TargetRow);
const cpu = cpus();
console.log(
  `\n## Targets (${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node})\n`,
);
console.log('| what | cryodx (s) | reference | reference (s) | cryodx ÷ reference | target | met |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | :---: |');
for (const r of rows) {
  const ratio = r.cryodxS !== null && r.referenceS ? r.cryodxS / r.referenceS : null;
  const target =
    r.maxRatio !== undefined ? `≤ ${r.maxRatio}×` : r.maxSeconds !== undefined ? `≤ ${r.maxSeconds} s` : '—';
  const met = verdict(r, ratio);
  console.log(
    `| ${r.what} | ${r.cryodxS?.toFixed(3) ?? '—'} | ${r.reference ?? '—'} | ${r.referenceS?.toFixed(3) ?? '—'} | ` +
      `${ratio === null ? '—' : ratio.toFixed(2) + '×'} | ${target} | ${met} |`,
  );
}
rmSync(RECORD_FILE);

function verdict(r: TargetRow, ratio: number | null): string {
  if (r.cryodxS === null) return '—';
  if (r.maxRatio !== undefined) return ratio === null ? '—' : ratio <= r.maxRatio ? 'yes' : 'no';
  if (r.maxSeconds !== undefined) return r.cryodxS <= r.maxSeconds ? 'yes' : 'no';
  return '—';
}

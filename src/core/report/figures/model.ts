/** Per residue: pLDDT (AlphaFold's confidence) and the local resolution at the residue, along the sequence. */
type Spec = Record<string, unknown>;

export function residueSpec(
  rows: {
    chain: string;
    resSeq: number;
    plddt: number | null;
    localResolutionA: number | null;
    qScore?: number | null;
  }[],
): Spec {
  const values = rows.flatMap((r) => [
    ...(r.qScore !== null && r.qScore !== undefined
      ? [{ residue: r.resSeq, chain: r.chain, measure: 'Q-score', value: r.qScore }]
      : []),
    ...(r.plddt !== null ? [{ residue: r.resSeq, chain: r.chain, measure: 'pLDDT', value: r.plddt }] : []),
    ...(r.localResolutionA !== null
      ? [{ residue: r.resSeq, chain: r.chain, measure: 'local resolution (Å)', value: r.localResolutionA }]
      : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'sans-serif', view: { stroke: null } },
    title: `Per residue: ${residueMeasures(values)}`,
    data: { values },
    facet: { row: { field: 'measure', type: 'nominal', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 520,
      height: 120,
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'residue', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
        color: { field: 'chain', type: 'nominal' },
      },
    },
  };
}

/** The figure's title names only the measures it holds (a model alone has pLDDT, not Q-score or local resolution). */
function residueMeasures(values: { measure: string }[]): string {
  const words: Record<string, string> = {
    'Q-score': 'Q-score',
    pLDDT: 'pLDDT (< 50 likely disordered)',
    'local resolution (Å)': 'local resolution',
  };
  const present = Object.keys(words).filter((m) => values.some((v) => v.measure === m));
  const named = present.map((m) => words[m]!);
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : (named[0] ?? '—');
}

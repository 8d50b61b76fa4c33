import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fmt } from './stats';
import type { Store } from './benchDb';

/** One figure of one run beside the baseline measured in the same run. */
export interface FigureRow {
  metric: string;
  store: string;
  value: number;
  baseline: number;
  /** What the baseline is ("raw INSERT", "proxy"): printed after its number. */
  label: string;
  /** Decimals of the value, the baseline and a difference. */
  digits: number;
  /** The ratio column: ours / baseline, or ours − baseline (in `unit`). */
  compare: 'ratio' | 'difference';
  /** The unit of a difference (ms unless told). */
  unit?: string;
  /** Decimals of a ratio (2 unless told). */
  ratioDigits?: number;
  target: string;
  /** Undefined where the issue sets no target. */
  met?: boolean;
}

/** A row of one run that is not one number beside another (counts of a check, lease holders): shown as text. */
export interface TextRow {
  metric: string;
  store: string;
  text: { value: string; baseline: string; ratio: string };
  target: string;
  met?: boolean;
}

export type ResultRow = FigureRow | TextRow;

/** A figure beside its baseline: ratio to it with 0 decimals unless told; no target unless told. */
export const figure = (
  metric: string,
  store: string,
  value: number,
  baseline: number,
  label: string,
  how: { digits?: number; compare?: FigureRow['compare']; unit?: string; ratioDigits?: number; target?: string; met?: boolean } = {},
): FigureRow => ({ metric, store, value, baseline, label, digits: how.digits ?? 0, compare: how.compare ?? 'ratio', ...(how.unit && { unit: how.unit }), ratioDigits: how.ratioDigits, target: how.target ?? '—', met: how.met });

/** Issue 15, item 6: the service on the embedded default (PGlite) stays under 300 MiB; PostgreSQL mode has no target. */
export const rssTarget = (store: Store, peakMiB: number): { target?: string; met?: boolean } =>
  store === 'pglite' ? { target: '≤ 300 MiB', met: peakMiB <= 300 } : {};

/** A line of the table over all runs. */
export interface SummaryRow {
  metric: string;
  store: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
  /** Runs that had a target, and the runs that met it. */
  runs: number;
  metIn: number;
}

/** The middle of some values (the mean of the two middle ones for an even count). */
export const middle = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
};

/** A difference with its sign; a difference that rounds to zero reads +0, never -0. */
const signed = (value: number, digits: number, unit = 'ms') => {
  const text = fmt(value, digits).replace(/^-(0(\.0*)?)$/, '$1');
  return `${text.startsWith('-') ? '' : '+'}${text} ${unit}`;
};

/** One run's row as the table shows it (the log after each run). */
const runCells = (row: ResultRow) =>
  'text' in row
    ? row.text
    : {
        value: fmt(row.value, row.digits),
        baseline: `${fmt(row.baseline, row.digits)} ${row.label}`,
        ratio: row.compare === 'ratio' ? (row.value / row.baseline).toFixed(row.ratioDigits ?? 2) : signed(row.value - row.baseline, row.digits, row.unit),
      };

/** Text that differs between runs is listed run by run ("a / b / a"). */
const distinct = (texts: string[]) => (new Set(texts).size === 1 ? texts[0]! : texts.join(' / '));

/**
 * Each row over the runs: the median value with its spread (min–max over the runs), the median baseline,
 * the median of the per-run ratios (or differences), and in how many runs the target was met ("yes 3/3":
 * met in more than half of them, that is by the median run; "NO 1/3" otherwise). Rows keep the order in
 * which the first run reported them.
 */
export const acrossRuns = (runs: ResultRow[][]): SummaryRow[] => {
  const byKey = new Map<string, ResultRow[]>();
  for (const rows of runs) for (const row of rows) byKey.set(`${row.metric}|${row.store}`, [...(byKey.get(`${row.metric}|${row.store}`) ?? []), row]);
  return [...byKey.values()].map((rows) => {
    const first = rows[0]!;
    const judged = rows.filter((r) => r.met !== undefined);
    const metIn = judged.filter((r) => r.met).length;
    const met = judged.length === 0 ? '—' : `${metIn * 2 > judged.length ? 'yes' : 'NO'} ${metIn}/${judged.length}`;
    const common = { metric: first.metric, store: first.store, target: first.target, met, runs: judged.length, metIn };
    if ('text' in first) {
      const texts = rows.map(runCells);
      return { ...common, value: distinct(texts.map((t) => t.value)), baseline: distinct(texts.map((t) => t.baseline)), ratio: distinct(texts.map((t) => t.ratio)) };
    }
    const figures = rows as FigureRow[];
    const values = figures.map((r) => r.value);
    const spread = values.length > 1 ? ` (${fmt(Math.min(...values), first.digits)}–${fmt(Math.max(...values), first.digits)})` : '';
    const ratio =
      first.compare === 'ratio'
        ? middle(figures.map((r) => r.value / r.baseline)).toFixed(first.ratioDigits ?? 2)
        : signed(middle(figures.map((r) => r.value - r.baseline)), first.digits, first.unit);
    return {
      ...common,
      value: `${fmt(middle(values), first.digits)}${spread}`,
      baseline: `${fmt(middle(figures.map((r) => r.baseline)), first.digits)} ${first.label}`,
      ratio,
    };
  });
};

/** One run's rows as a table of its own (no spread, "yes" or "NO"). */
export const singleRun = (rows: ResultRow[]): SummaryRow[] =>
  rows.map((row) => ({
    metric: row.metric,
    store: row.store,
    target: row.target,
    ...runCells(row),
    met: row.met === undefined ? '—' : row.met ? 'yes' : 'NO',
    runs: row.met === undefined ? 0 : 1,
    metIn: row.met ? 1 : 0,
  }));

const columns = (runs: number): Array<[keyof SummaryRow, string]> => [
  ['metric', 'metric'],
  ['store', 'store'],
  ['value', runs > 1 ? `value: median of ${runs} runs (min–max)` : 'value'],
  ['baseline', runs > 1 ? 'baseline (same run), median' : 'baseline (same run)'],
  ['ratio', runs > 1 ? 'ratio, median of the runs' : 'ratio'],
  ['target', 'target'],
  ['met', runs > 1 ? 'met? (runs)' : 'met?'],
];

export const textTable = (rows: SummaryRow[], runs = 1): string => {
  const cols = columns(runs);
  const widths = cols.map(([key, title]) => Math.max(title.length, ...rows.map((r) => String(r[key]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols.map(([, t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map(([k]) => String(r[k]))))].join('\n');
};

export const markdownTable = (rows: SummaryRow[], runs = 1): string => {
  const cols = columns(runs);
  return [
    `| ${cols.map(([, t]) => t).join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map(([k]) => String(r[k]).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
};

const START = '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

const skeleton = `# Benchmarks

\`npm run bench\` (full) or \`npm run bench:quick\` measures every figure next to a baseline in the same
run and rewrites the block below; the analysis after it is written by hand.

${START}
${END}
`;

/** Replaces the generated block of BENCHMARKS.md (creating the file if needed), keeping the rest. */
export const writeResults = (file: string, block: string): void => {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : skeleton;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const base = start >= 0 && end > start ? current : `${current.trimEnd()}\n\n${START}\n${END}\n`;
  const s = base.indexOf(START);
  const e = base.indexOf(END);
  writeFileSync(file, `${base.slice(0, s + START.length)}\n${block.trim()}\n${base.slice(e)}`);
};

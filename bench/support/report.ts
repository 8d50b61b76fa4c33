import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One line of the results table. `met` is undefined where the issue sets no target. */
export interface ResultRow {
  metric: string;
  store: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met?: boolean;
}

const columns: Array<[keyof ResultRow, string]> = [
  ['metric', 'metric'],
  ['store', 'store'],
  ['value', 'value'],
  ['baseline', 'baseline (same run)'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['met', 'met?'],
];

const cell = (row: ResultRow, key: keyof ResultRow): string => {
  if (key !== 'met') return String(row[key]);
  return row.met === undefined ? '—' : row.met ? 'yes' : 'NO';
};

export const textTable = (rows: ResultRow[]): string => {
  const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((r) => cell(r, key).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map(([, t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map(([k]) => cell(r, k))))].join('\n');
};

export const markdownTable = (rows: ResultRow[]): string =>
  [
    `| ${columns.map(([, t]) => t).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map(([k]) => cell(r, k).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');

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

// Writes README's table of statuses and sentences from the code (`npm run docs:statuses`).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STATUS_TABLE_END, STATUS_TABLE_START, statusTableMarkdown } from '../src/application/statusSentences';

const readme = path.resolve(__dirname, '../README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(STATUS_TABLE_START);
const end = text.indexOf(STATUS_TABLE_END);
if (start < 0 || end < start) throw new Error('README.md has no status table markers');
writeFileSync(readme, `${text.slice(0, start + STATUS_TABLE_START.length)}\n${statusTableMarkdown()}\n${text.slice(end)}`);
process.stdout.write('README.md: status table written\n');

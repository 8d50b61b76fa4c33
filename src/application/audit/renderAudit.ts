import type { Finding } from './truthAudit';

export interface AuditReport {
  from: string;
  to: string;
  calls: number;
  findings: Finding[];
}

const clean = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
const cell = (value: string) => clean(value).replace(/[\\`*[\]<>|]/g, '\\$&');

export const renderAuditText = (r: AuditReport): string =>
  [
    `Truth audit ${r.from} .. ${r.to}: ${r.calls} call(s), ${r.findings.length} finding(s)`,
    ...r.findings.map((f) => `  ${f.kind}  call ${clean(f.callId)}${f.bookingId ? `  booking ${f.bookingId}` : ''}  at ${f.at}\n      ${clean(f.detail)}`),
  ].join('\n') + '\n';

export const renderAuditMarkdown = (r: AuditReport): string =>
  [
    `## Truth audit ${r.from} – ${r.to}`,
    '',
    `${r.calls} call(s) audited, ${r.findings.length} finding(s).`,
    '',
    ...(r.findings.length
      ? ['| finding | call | booking | told at | detail |', '| --- | --- | --- | --- | --- |', ...r.findings.map((f) => `| ${f.kind} | \`${cell(f.callId)}\` | ${f.bookingId ? `\`${f.bookingId}\`` : ''} | ${f.at} | ${cell(f.detail)} |`)]
      : ['Every caller was told the truth.']),
    '',
  ].join('\n');

export const renderAuditJson = (r: AuditReport): string => `${JSON.stringify(r, null, 2)}\n`;

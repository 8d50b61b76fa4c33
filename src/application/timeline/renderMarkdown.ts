import { asOfLine, callStatusLine, callTitle, groupsOf, sharedUids, stateNote, subjectTitle, summaryLine, TIMES_LEGEND } from './describeTimeline';
import { plain } from './renderText';
import type { Timeline, TimelineEntry } from './timelineModel';

/** Text that cannot break out of a table cell or turn into markup (names are caller-supplied). */
export const md = (value: string): string => plain(value).replace(/[\\`*[\]<>|]/g, '\\$&');
/** An identifier in a code span (pipes still escaped: GFM splits table cells inside code spans too). */
export const code = (value: string): string => `\`${plain(value).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (head: string[], rows: string[][]): string[] => [row(head), row(head.map(() => '---')), ...rows.map(row)];

const entryRow = (e: TimelineEntry): string[] => [
  e.occurredAt ?? '',
  e.recordedAt,
  code(e.streamId),
  e.flags.includes('duplicate') ? `**${e.type}**` : e.type,
  [md(e.meaning), ...e.warnings.map((w) => `**⚠ ${md(w)}**`)].join('<br>'),
];

const summary = (timeline: Timeline): string[] => {
  const lines = [`- ${md(summaryLine(timeline))}`];
  for (const call of timeline.calls) {
    if (call.callId !== null) lines.push(`- Call ${code(call.callId)}${call.attendeeNames.length ? ` (${md(call.attendeeNames.join(', '))})` : ''}: ${md(callStatusLine(timeline, call))}`);
    for (const t of call.told) lines.push(`  - was told at ${t.at} (${t.function}, ${t.status}): "${md(t.message)}"`);
  }
  const confirmed = timeline.bookings.filter((b) => b.status === 'confirmed');
  lines.push(
    confirmed.length === 0
      ? '- **Confirmed:** no booking was confirmed by a webhook.'
      : `- **Confirmed:** ${confirmed.map((b) => `booking ${code(b.bookingId)} of call ${code(b.callId ?? '?')}${b.attendeeName ? ` (${md(b.attendeeName)})` : ''}`).join(', ')}, by BOOKING_CREATED webhook.`,
  );
  for (const b of timeline.bookings.filter((x) => x.duplicate)) {
    lines.push(`- **Not booked (duplicate):** booking ${code(b.bookingId)} of call ${code(b.callId ?? '?')}${b.attendeeName ? ` (${md(b.attendeeName)})` : ''}: ${md(stateNote(b))}.`);
  }
  const highlights = timeline.calls.flatMap((c) => c.entries).flatMap((e) => e.warnings.map((w) => `${e.callId ?? '?'}: ${w}`));
  for (const h of highlights) lines.push(`- ⚠ ${md(h)}`);
  return lines;
};

/** An incident report to paste into a ticket or post-mortem: summary, timeline per call, duplicates, booking states. */
export const renderMarkdown = (timeline: Timeline): string => {
  const lines: string[] = [`# Incident report: ${md(subjectTitle(timeline.subject))}`, ''];
  lines.push(`_Rebuilt from the booking-ledger event history on ${timeline.generatedAt}._${timeline.asOf ? ` **${md(asOfLine(timeline)!)}**` : ''}`, '');
  lines.push('## Summary', '', ...summary(timeline), '');

  lines.push('## Timeline', '', md(TIMES_LEGEND), '');
  for (const group of groupsOf(timeline)) {
    if (group.length > 1) lines.push(`Calls that touched the same Cal.com uid ${sharedUids(group).map(code).join(', ')} are shown together.`, '');
    for (const call of group) {
      lines.push(`### ${md(callTitle(call))}`, '', md(callStatusLine(timeline, call)), '');
      if (call.entries.length) lines.push(...table(['happened', 'recorded', 'stream', 'event', 'meaning'], call.entries.map(entryRow)), '');
    }
  }

  lines.push('## Duplicates', '');
  if (timeline.duplicates.length === 0) lines.push('No Cal.com uid was claimed or returned for more than one booking.', '');
  else
    lines.push(
      ...table(
        ['Cal.com uid', 'booking', 'call', 'touches', 'DuplicateDetected reasons'],
        timeline.duplicates.flatMap((d) => d.bookings.map((b) => [code(d.uid), code(b.bookingId), code(b.callId ?? '?'), b.touches.join(', '), b.reasons.join(', ')])),
      ),
      '',
    );

  lines.push(`## Booking states${timeline.asOf ? ` as of ${timeline.asOf}` : ''}`, '');
  const pending = timeline.calls.filter((c) => c.entries.length === 0 && c.laterEventCount > 0);
  lines.push(
    ...table(
      ['booking', 'call', 'attendee', 'slot', 'status', 'notes'],
      [
        ...timeline.bookings.map((b) => [code(b.bookingId), code(b.callId ?? '?'), md(b.attendeeName ?? ''), b.slotStart ?? '', `**${b.status}**`, md(stateNote(b))]),
        ...pending.map((c) => ['—', code(c.callId ?? '?'), md(c.attendeeNames.join(', ')), '', '**not yet recorded**', md(callStatusLine(timeline, c))]),
      ],
    ),
    '',
  );
  if (timeline.notes.length) lines.push('## Notes', '', ...timeline.notes.map((n) => `- ${md(n)}`), '');
  return `${lines.join('\n')}`;
};

import { DEFAULT_PRACTICE_ID } from '../practice';
import { asOfLine, callStatusLine, callTitle, groupsOf, sharedUids, stateNote, subjectTitle, summaryLine, TIMES_LEGEND } from './describeTimeline';
import type { Timeline, TimelineEntry } from './timelineModel';

/** No control characters from stored data reach the terminal (no escape sequences, no forged lines). */
export const plain = (value: string): string => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

const entryLines = (e: TimelineEntry): string[] => [
  `  happened ${e.occurredAt ?? '(unknown)'.padEnd(24)}  recorded ${e.recordedAt}  ${e.streamId}  ${e.type}`,
  `      ${plain(e.meaning)}`,
  ...e.warnings.map((w) => `      ⚠ ${plain(w)}`),
];

/** The timeline for a terminal: calls that touched the same uid together, every event with both times, its stream and meaning. */
export const renderText = (timeline: Timeline): string => {
  const lines: string[] = [`Timeline of ${plain(subjectTitle(timeline.subject))}`];
  const asOf = asOfLine(timeline);
  if (asOf) lines.push(asOf);
  lines.push(TIMES_LEGEND, summaryLine(timeline), '');

  for (const group of groupsOf(timeline)) {
    const shared = sharedUids(group);
    if (group.length > 1) lines.push(`== ${group.length} calls touched Cal.com uid ${plain(shared.join(', '))} ==`, '');
    for (const call of group) {
      lines.push(`-- ${plain(callTitle(call))} -- ${plain(callStatusLine(timeline, call))}`);
      for (const entry of call.entries) lines.push(...entryLines(entry));
      if (call.told.length) lines.push('  What the caller was told:', ...call.told.map((t) => `    ${t.at}  ${t.function} #${t.delivery}  ${t.status}: "${plain(t.message)}"`));
      lines.push('');
    }
  }

  lines.push('Duplicates (Cal.com uids claimed or returned for more than one booking)');
  if (timeline.duplicates.length === 0) lines.push('  none');
  for (const d of timeline.duplicates) {
    lines.push(`  uid ${plain(d.uid)}: ${d.bookings.length} bookings`);
    for (const b of d.bookings) {
      lines.push(`    booking ${b.bookingId} (call ${plain(b.callId ?? '?')}): ${b.touches.join(', ')}${b.reasons.length ? `; DuplicateDetected: ${b.reasons.join(', ')}` : ''}`);
    }
  }
  lines.push('', `Booking states${timeline.asOf ? ` as of ${timeline.asOf}` : ''} (rebuilt from the events above)`);
  if (timeline.bookings.length === 0) lines.push('  none');
  for (const b of timeline.bookings) {
    const note = stateNote(b);
    const practice = b.practiceId === DEFAULT_PRACTICE_ID ? '' : `  practice ${plain(b.practiceId)}`;
    lines.push(`  ${b.bookingId}  call ${plain(b.callId ?? '?')}${practice}  ${plain(b.attendeeName ?? '?')}  ${b.slotStart ?? ''}  ${b.status.toUpperCase()}${note ? `  ${plain(note)}` : ''}`);
  }
  for (const call of timeline.calls) {
    if (call.entries.length === 0 && call.laterEventCount > 0) lines.push(`  call ${plain(call.callId ?? '(none)')}: ${plain(callStatusLine(timeline, call))}`);
  }
  if (timeline.notes.length) lines.push('', 'Notes', ...timeline.notes.map((n) => `  ${plain(n)}`));
  return `${lines.join('\n')}\n`;
};

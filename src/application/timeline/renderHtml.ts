import { asOfLine, notYetRecorded, stateNote, subjectTitle, summaryLine } from './describeTimeline';
import { controls } from './html/controls';
import { className, escapeHtml } from './html/escapeHtml';
import { badge, legend } from './html/legend';
import { laneHead, mark, type MarkContext } from './html/marks';
import { PAGE_STYLE } from './html/pageStyle';
import type { PageView } from './html/pageView';
import { timeAxis, timeOf, type TimeBasis } from './html/timeAxis';
import { uidOwners } from './html/uidOwners';
import { inZone, shortZoned } from './html/zonedTime';
import type { BookingStateView, Timeline, TimelineCall, TimelineEntry } from './timelineModel';

export { escapeHtml };

/** A minute or more passed in the outside world between two rows (happened time, whatever the order). */
const gapLabel = (previous: TimelineEntry | undefined, next: TimelineEntry): string | undefined => {
  if (!previous) return undefined;
  const ms = timeOf(next, 'happened') - timeOf(previous, 'happened');
  if (!(ms >= 60_000)) return undefined;
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min later` : `${Math.round(minutes / 60)} h later`;
};

const timelineGrid = (timeline: Timeline, calls: TimelineCall[], basis: TimeBasis, ctx: MarkContext): string => {
  const columnOf = new Map(calls.map((c, i) => [c, i + 2]));
  const rows = calls
    .flatMap((call) => call.entries.map((entry) => ({ call, entry })))
    .sort((a, b) => timeOf(a.entry, basis) - timeOf(b.entry, basis) || (a.entry.recordedAt < b.entry.recordedAt ? -1 : a.entry.recordedAt > b.entry.recordedAt ? 1 : a.entry.position < b.entry.position ? -1 : 1));
  const cells: string[] = [`<div class="axis-head" style="grid-column:1;grid-row:1"><strong>Time (${escapeHtml(ctx.zone)})</strong><br><span class="mono">happened / recorded</span></div>`];
  calls.forEach((call) => cells.push(laneHead(timeline, call, columnOf.get(call)!)));
  let row = 2;
  let previous: TimelineEntry | undefined;
  let lastDate = '';
  const body: string[] = [];
  for (const { call, entry } of rows) {
    const gap = gapLabel(previous, entry);
    if (gap) body.push(`<div class="gap" style="grid-row:${row++}">⋯ ${escapeHtml(gap)} ⋯</div>`);
    const happened = entry.occurredAt ?? entry.recordedAt;
    const h = inZone(happened, ctx.zone);
    const r = inZone(entry.recordedAt, ctx.zone);
    const showDate = h.date !== lastDate;
    lastDate = h.date;
    body.push(`<div class="axis" style="grid-row:${row}">
<time class="happened" datetime="${escapeHtml(happened)}" title="happened ${escapeHtml(happened)}">${escapeHtml(h.time)}</time>${showDate ? `<span class="date">${escapeHtml(`${h.date} ${h.offset}`)}</span>` : ''}
<time class="recorded" datetime="${escapeHtml(entry.recordedAt)}" title="recorded ${escapeHtml(entry.recordedAt)}">rec. ${escapeHtml(r.date)} ${escapeHtml(r.time)}</time>
</div>`);
    body.push(`<div style="grid-column:${columnOf.get(call)};grid-row:${row}">${mark(entry, ctx)}</div>`);
    previous = entry;
    row += 1;
  }
  const span = Math.max(row - 2, 1);
  calls.forEach((call) => cells.push(`<div class="lane-bg" aria-hidden="true" style="grid-column:${columnOf.get(call)};grid-row:2 / span ${span}"></div>`));
  return `<div class="grid" style="--lanes:${calls.length}">${[...cells, ...body].join('\n')}</div>`;
};

const duplicatesTable = (timeline: Timeline): string => {
  if (timeline.duplicates.length === 0) return '<p>No Cal.com uid was claimed or returned for more than one booking.</p>';
  const rows = timeline.duplicates.flatMap((d) =>
    d.bookings.map(
      (b) =>
        `<tr class="duplicate"><td class="mono">${escapeHtml(d.uid)}</td><td class="mono"><a href="#booking-${escapeHtml(b.bookingId)}">${escapeHtml(b.bookingId)}</a></td><td class="mono">${escapeHtml(b.callId ?? '?')}</td><td>${escapeHtml(b.touches.join(', '))}</td><td>${escapeHtml(b.reasons.join(', '))}</td></tr>`,
    ),
  );
  return `<table class="duplicates"><thead><tr><th>Cal.com uid</th><th>booking</th><th>call</th><th>touches</th><th>DuplicateDetected reasons</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

/** What each caller was told, and when (CallerAnswered). */
const toldSection = (calls: TimelineCall[], zone: string): string => {
  const rows = calls.flatMap((call) =>
    call.told.map(
      (t) =>
        `<tr data-call-id="${escapeHtml(call.callId ?? '')}"><td class="mono">${escapeHtml(call.callId ?? '?')}</td><td class="mono">${escapeHtml(shortZoned(t.at, zone))}</td><td>${escapeHtml(t.function)} #${t.delivery}</td><td>${badge(t.status.toUpperCase(), t.status)}</td><td>${escapeHtml(t.message)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '';
  return `<section class="told"><h2>What the callers were told</h2><table><thead><tr><th>call</th><th>when</th><th>function</th><th>status</th><th>what the agent said</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
};

const stateRow = (b: BookingStateView, links: boolean): string =>
  `<tr class="${className(b.status)}" id="booking-${escapeHtml(b.bookingId)}" data-booking-id="${escapeHtml(b.bookingId)}"><td class="mono">${escapeHtml(b.bookingId)}</td><td class="mono">${escapeHtml(b.callId ?? '?')}</td><td>${escapeHtml(b.attendeeName ?? '')}</td><td class="mono">${escapeHtml(b.slotStart ?? '')}</td><td>${badge(b.status.toUpperCase(), b.status)}</td><td>${escapeHtml(stateNote(b))}</td>${links ? `<td><a href="/bookings/${escapeHtml(encodeURIComponent(b.bookingId))}/events">raw events</a></td>` : ''}</tr>`;

const statesTable = (timeline: Timeline, links: boolean): string => {
  const pending = timeline.calls.filter((c) => notYetRecorded(timeline, c));
  const rows = [
    ...timeline.bookings.map((b) => stateRow(b, links)),
    ...pending.map((c) => `<tr class="pending"><td>—</td><td class="mono">${escapeHtml(c.callId ?? '?')}</td><td></td><td></td><td>${badge('NOT YET RECORDED', 'pending')}</td><td>${escapeHtml(notYetRecorded(timeline, c))}</td>${links ? '<td></td>' : ''}</tr>`),
  ];
  return `<table class="states"><thead><tr><th>booking</th><th>call</th><th>attendee</th><th>slot</th><th>status</th><th>notes</th>${links ? '<th>history</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const STANDALONE: PageView = { path: '', subject: [], zone: 'UTC', practiceZone: undefined, order: 'recorded', expandAll: false, types: [], calls: [], asOf: undefined, asOfBasis: 'recorded', nav: '', scriptSrc: undefined };

/** Only the calls and event types the analyst picked (the overview and the grid both follow them). */
const pick = (timeline: Timeline, view: PageView): TimelineCall[] =>
  timeline.calls
    .filter((c) => view.calls.length === 0 || view.calls.includes(c.callId ?? ''))
    .map((c) => (view.types.length === 0 ? c : { ...c, entries: c.entries.filter((e) => view.types.includes(e.type)) }));

/**
 * The analysts' page: a column per call on a vertical time axis, each event a mark with its details,
 * duplicates in red with a link to the booking that owns the uid, the confirmed booking in green, an
 * overview drawn to scale, a legend. Without a view it is one self-contained document (UTC, inline
 * style, no script, links only within itself); in the console it has its controls, exports and script.
 */
export const renderHtml = (timeline: Timeline, view: PageView = STANDALONE): string => {
  const title = `Incident timeline: ${subjectTitle(timeline.subject)}`;
  const asOf = asOfLine(timeline);
  const inConsole = view.path !== '';
  const calls = pick(timeline, view);
  const ctx: MarkContext = { zone: view.zone, expandAll: view.expandAll, owners: uidOwners(timeline) };
  const allTypes = [...new Set(timeline.calls.flatMap((c) => c.entries.map((e) => e.type)))].sort();
  const allCalls = timeline.calls.map((c) => c.callId ?? '');
  const body =
    timeline.counts.matched === 0
      ? `<p class="empty">No events match ${escapeHtml(subjectTitle(timeline.subject))}.</p>`
      : `<section class="summary"><h2>Summary</h2><ul>
<li>${escapeHtml(summaryLine(timeline))}</li>
${timeline.bookings.map((b) => `<li>${badge(b.status.toUpperCase(), b.status)} booking <a href="#booking-${escapeHtml(b.bookingId)}"><code>${escapeHtml(b.bookingId)}</code></a> of call <code>${escapeHtml(b.callId ?? '?')}</code>${b.attendeeName ? ` (${escapeHtml(b.attendeeName)})` : ''}: ${escapeHtml(stateNote(b) || b.status)}</li>`).join('\n')}
${timeline.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}
</ul></section>
${inConsole ? controls(timeline, view, allTypes, allCalls) : ''}
${timeAxis(calls, view.order, view.zone, ctx.owners)}
<main class="timeline">${timelineGrid(timeline, calls, view.order, ctx)}</main>
${toldSection(calls, view.zone)}
<section><h2>Duplicates</h2>${duplicatesTable(timeline)}</section>
<section><h2>Booking states${timeline.asOf ? ` as of ${escapeHtml(timeline.asOf)}` : ''}</h2>${statesTable(timeline, inConsole)}</section>
${legend()}`;
  const zoneLine = `Times are ${view.zone === 'UTC' ? 'UTC' : `in ${view.zone} (the practice's time zone)`}; ordered by ${view.order === 'happened' ? 'when it happened' : 'when the ledger recorded it'}. happened = when it happened (metadata.occurredAt); recorded = when the ledger recorded it (recordedAt).`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style>${view.scriptSrc ? `<script src="${escapeHtml(view.scriptSrc)}" defer></script>` : ''}</head>
<body>
${view.nav}
<header class="page"><h1>${escapeHtml(title)}</h1>
${asOf ? `<p class="asof">${escapeHtml(asOf)}${view.zone !== 'UTC' && timeline.asOf ? ` (${escapeHtml(shortZoned(timeline.asOf, view.zone))})` : ''}</p>` : ''}
<p>${escapeHtml(zoneLine)}</p><p>Generated ${escapeHtml(timeline.generatedAt)} from the event history.</p></header>
${body}
</body></html>
`;
};

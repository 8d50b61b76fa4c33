import { asOfLine, callStatusLine, callTitle, notYetRecorded, stateNote, subjectTitle, summaryLine, TIMES_LEGEND } from './describeTimeline';
import type { BookingStateView, Timeline, TimelineCall, TimelineEntry, TimelineFlag } from './timelineModel';

/** Every value put into the page goes through here (text and attribute values alike). */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const className = (value: string): string => value.replace(/[^A-Za-z0-9_-]/g, '_');

const BADGES: Record<TimelineFlag, string> = {
  duplicate: 'DUPLICATE',
  confirmed: 'CONFIRMED',
  stale_created_at: 'STALE createdAt',
  foreign_call_id: 'FOREIGN call_id',
  foreign_booking_ref: 'FOREIGN booking_ref',
  other_attendee: 'OTHER attendee',
  parked: 'PARKED (not in the read model)',
};

const badge = (text: string, kind: string) => `<span class="badge ${className(kind)}">${escapeHtml(text)}</span>`;

const datePart = (iso: string) => iso.slice(0, 10);
const timePart = (iso: string) => iso.slice(11, 23);

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header.page{padding:16px 24px;background:#1d2330;color:#fff}
header.page h1{margin:0 0 4px;font-size:20px}
header.page p{margin:2px 0;color:#cfd5e1}
header.page .asof{color:#ffd479;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
section{padding:12px 24px}
h2{font-size:16px;margin:8px 0}
.summary ul{margin:0;padding-left:18px}
.timeline{overflow-x:auto;padding:12px 24px}
.grid{display:grid;grid-template-columns:170px repeat(var(--lanes),minmax(300px,1fr));column-gap:12px;row-gap:6px;align-items:start;position:relative}
.axis-head,.lane-head{position:sticky;top:0;z-index:2;background:#fff;border:1px solid #d5d9e2;border-radius:6px;padding:8px}
.lane-head h2{margin:0;font-size:14px;word-break:break-all}
.lane-head .who{margin:2px 0;font-weight:600}
.lane-head.duplicate{border:2px solid #c62828;background:#fff5f5}
.lane-head.confirmed{border:2px solid #2e7d32;background:#f3fbf3}
.lane-bg{background:#eceff4;border-radius:6px;min-height:100%}
.axis{grid-column:1;border-right:3px solid #8a94a6;padding:4px 8px 4px 0;text-align:right;position:relative;align-self:stretch}
.axis::after{content:"";position:absolute;right:-7px;top:10px;width:11px;height:11px;border-radius:50%;background:#8a94a6}
.axis .happened{display:block;font-weight:700}
.axis .date,.axis .recorded{display:block;color:#5b6475;font-size:11px}
.gap{grid-column:1/-1;text-align:center;color:#5b6475;font-style:italic;border-top:1px dashed #b7bfcc;padding-top:2px}
.mark{position:relative;z-index:1;background:#fff;border:1px solid #c9cfda;border-left:5px solid #5c7cfa;border-radius:6px;padding:6px 8px;margin:0 4px}
.mark .type{font-weight:700}
.mark .meaning{margin:4px 0}
.mark .warnings{margin:4px 0;padding-left:16px;color:#b71c1c;font-weight:600}
.mark dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 8px;margin:4px 0 0;font-size:12px}
.mark dt{color:#5b6475}
.mark dd{margin:0;word-break:break-all}
.mark.flagged{border-left-color:#ef6c00}
.mark.duplicate{border:2px solid #c62828;border-left:6px solid #c62828;background:#fff5f5}
.mark.confirmed{border:2px solid #2e7d32;border-left:6px solid #2e7d32;background:#f3fbf3}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:10px;margin-left:4px;background:#e3e7ee;color:#1d2330}
.badge.duplicate,.badge.stale_created_at,.badge.foreign_call_id,.badge.foreign_booking_ref,.badge.other_attendee{background:#c62828;color:#fff}
.badge.confirmed{background:#2e7d32;color:#fff}
.badge.pending{background:#ffd479}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #d5d9e2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff4}
tr.duplicate td{background:#fff5f5}
tr.confirmed td{background:#f3fbf3}
.empty{padding:24px;font-size:16px}
`;

const laneClass = (timeline: Timeline, call: TimelineCall): string => {
  const states = timeline.bookings.filter((b) => b.callId === call.callId).map((b) => b.status);
  if (states.includes('duplicate')) return 'duplicate';
  if (states.includes('confirmed')) return 'confirmed';
  return '';
};

const laneHead = (timeline: Timeline, call: TimelineCall, column: number): string => {
  const states = timeline.bookings.filter((b) => b.callId === call.callId);
  const pending = notYetRecorded(timeline, call);
  const badges = pending ? badge('NOT YET RECORDED', 'pending') : states.map((b) => badge(b.status.toUpperCase(), b.status)).join('');
  return `<div class="lane-head ${laneClass(timeline, call)}" style="grid-column:${column};grid-row:1" data-call-id="${escapeHtml(call.callId ?? '')}">
<h2>${escapeHtml(callTitle(call).replace(/ · .*$/, ''))}</h2>
${call.attendeeNames.length ? `<p class="who">${escapeHtml(call.attendeeNames.join(', '))}</p>` : ''}
<p>${badges} <span class="status">${escapeHtml(callStatusLine(timeline, call))}</span></p>
</div>`;
};

const mark = (entry: TimelineEntry): string => {
  const classes = ['mark', `t-${className(entry.type)}`, ...entry.flags.map(className)];
  if (entry.flags.length > 0 && !entry.flags.every((f) => f === 'confirmed')) classes.push('flagged');
  const details: Array<[string, string]> = [
    ['stream', entry.streamId],
    ['happened', entry.occurredAt ?? '(unknown)'],
    ['recorded', entry.recordedAt],
    ...Object.entries(entry.details),
    ['correlationId', entry.correlationId ?? ''],
    ['eventId', entry.eventId],
  ];
  return `<article class="${classes.join(' ')}" id="ev-${escapeHtml(entry.eventId)}" data-event-type="${escapeHtml(entry.type)}" data-call-id="${escapeHtml(entry.callId ?? '')}">
<div><span class="type">${escapeHtml(entry.type)}</span>${entry.flags.map((f) => badge(BADGES[f], f)).join('')}</div>
<p class="meaning">${escapeHtml(entry.meaning)}</p>
${entry.warnings.length ? `<ul class="warnings">${entry.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
<details${entry.flags.length ? ' open' : ''}><summary>details</summary><dl>${details.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd class="mono">${escapeHtml(v)}</dd>`).join('')}</dl></details>
</article>`;
};

const gapLabel = (previous: TimelineEntry | undefined, next: TimelineEntry): string | undefined => {
  if (!previous) return undefined;
  const at = (e: TimelineEntry) => Date.parse(e.occurredAt ?? e.recordedAt);
  const ms = at(next) - at(previous);
  if (!(ms >= 60_000)) return undefined;
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min later` : `${Math.round(minutes / 60)} h later`;
};

const timelineGrid = (timeline: Timeline): string => {
  const calls = timeline.calls;
  const columnOf = new Map(calls.map((c, i) => [c, i + 2]));
  const rows = calls
    .flatMap((call) => call.entries.map((entry) => ({ call, entry })))
    .sort((a, b) => (a.entry.recordedAt < b.entry.recordedAt ? -1 : a.entry.recordedAt > b.entry.recordedAt ? 1 : a.entry.position < b.entry.position ? -1 : 1));
  const cells: string[] = [`<div class="axis-head" style="grid-column:1;grid-row:1"><strong>Time (UTC)</strong><br><span class="mono">happened / recorded</span></div>`];
  calls.forEach((call) => cells.push(laneHead(timeline, call, columnOf.get(call)!)));
  let row = 2;
  let previous: TimelineEntry | undefined;
  let lastDate = '';
  const body: string[] = [];
  for (const { call, entry } of rows) {
    const gap = gapLabel(previous, entry);
    if (gap) body.push(`<div class="gap" style="grid-row:${row++}">⋯ ${escapeHtml(gap)} ⋯</div>`);
    const happened = entry.occurredAt ?? entry.recordedAt;
    const showDate = datePart(happened) !== lastDate;
    lastDate = datePart(happened);
    body.push(`<div class="axis" style="grid-row:${row}">
<time class="happened" datetime="${escapeHtml(happened)}" title="happened ${escapeHtml(happened)}">${escapeHtml(timePart(happened))}</time>${showDate ? `<span class="date">${escapeHtml(datePart(happened))}</span>` : ''}
<time class="recorded" datetime="${escapeHtml(entry.recordedAt)}" title="recorded ${escapeHtml(entry.recordedAt)}">rec. ${escapeHtml(datePart(entry.recordedAt))} ${escapeHtml(timePart(entry.recordedAt))}</time>
</div>`);
    body.push(`<div style="grid-column:${columnOf.get(call)};grid-row:${row}">${mark(entry)}</div>`);
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
      (b) => `<tr class="duplicate"><td class="mono">${escapeHtml(d.uid)}</td><td class="mono">${escapeHtml(b.bookingId)}</td><td class="mono">${escapeHtml(b.callId ?? '?')}</td><td>${escapeHtml(b.touches.join(', '))}</td><td>${escapeHtml(b.reasons.join(', '))}</td></tr>`,
    ),
  );
  return `<table class="duplicates"><thead><tr><th>Cal.com uid</th><th>booking</th><th>call</th><th>touches</th><th>DuplicateDetected reasons</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

/** What each caller was told, and when (CallerAnswered). */
const toldSection = (timeline: Timeline): string => {
  const rows = timeline.calls.flatMap((call) =>
    call.told.map(
      (t) =>
        `<tr data-call-id="${escapeHtml(call.callId ?? '')}"><td class="mono">${escapeHtml(call.callId ?? '?')}</td><td class="mono">${escapeHtml(t.at)}</td><td>${escapeHtml(t.function)} #${t.delivery}</td><td>${badge(t.status.toUpperCase(), t.status)}</td><td>${escapeHtml(t.message)}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '';
  return `<section class="told"><h2>What the callers were told</h2><table><thead><tr><th>call</th><th>when</th><th>function</th><th>status</th><th>what the agent said</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
};

const stateRow = (b: BookingStateView): string =>
  `<tr class="${className(b.status)}" data-booking-id="${escapeHtml(b.bookingId)}"><td class="mono">${escapeHtml(b.bookingId)}</td><td class="mono">${escapeHtml(b.callId ?? '?')}</td><td>${escapeHtml(b.attendeeName ?? '')}</td><td class="mono">${escapeHtml(b.slotStart ?? '')}</td><td>${badge(b.status.toUpperCase(), b.status)}</td><td>${escapeHtml(stateNote(b))}</td></tr>`;

const statesTable = (timeline: Timeline): string => {
  const pending = timeline.calls.filter((c) => notYetRecorded(timeline, c));
  const rows = [
    ...timeline.bookings.map(stateRow),
    ...pending.map((c) => `<tr class="pending"><td>—</td><td class="mono">${escapeHtml(c.callId ?? '?')}</td><td></td><td></td><td>${badge('NOT YET RECORDED', 'pending')}</td><td>${escapeHtml(notYetRecorded(timeline, c))}</td></tr>`),
  ];
  return `<table class="states"><thead><tr><th>booking</th><th>call</th><th>attendee</th><th>slot</th><th>status</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

/**
 * The analysts' page: one self-contained HTML document (inline CSS, no script), a column per call on a
 * vertical time axis, each event a mark with its details, duplicates in red, the confirmed booking in green.
 */
export const renderHtml = (timeline: Timeline): string => {
  const title = `Incident timeline: ${subjectTitle(timeline.subject)}`;
  const asOf = asOfLine(timeline);
  const body =
    timeline.counts.matched === 0
      ? `<p class="empty">No events match ${escapeHtml(subjectTitle(timeline.subject))}.</p>`
      : `<section class="summary"><h2>Summary</h2><ul>
<li>${escapeHtml(summaryLine(timeline))}</li>
${timeline.bookings.map((b) => `<li>${badge(b.status.toUpperCase(), b.status)} booking <code>${escapeHtml(b.bookingId)}</code> of call <code>${escapeHtml(b.callId ?? '?')}</code>${b.attendeeName ? ` (${escapeHtml(b.attendeeName)})` : ''}: ${escapeHtml(stateNote(b) || b.status)}</li>`).join('\n')}
${timeline.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}
</ul></section>
<main class="timeline">${timelineGrid(timeline)}</main>
${toldSection(timeline)}
<section><h2>Duplicates</h2>${duplicatesTable(timeline)}</section>
<section><h2>Booking states${timeline.asOf ? ` as of ${escapeHtml(timeline.asOf)}` : ''}</h2>${statesTable(timeline)}</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header class="page"><h1>${escapeHtml(title)}</h1>
${asOf ? `<p class="asof">${escapeHtml(asOf)}</p>` : ''}
<p>${escapeHtml(TIMES_LEGEND)}</p><p>Generated ${escapeHtml(timeline.generatedAt)} from the event history.</p></header>
${body}
</body></html>
`;
};

import { callStatusLine, callTitle, notYetRecorded } from '../describeTimeline';
import type { Timeline, TimelineCall, TimelineEntry } from '../timelineModel';
import { className, escapeHtml } from './escapeHtml';
import { badge, BADGES } from './legend';
import type { UidOwner } from './uidOwners';
import { inZone } from './zonedTime';

/** How marks are drawn: the zone of their times, whether details start open, who owns a duplicate's uid. */
export interface MarkContext {
  zone: string;
  expandAll: boolean;
  owners: Map<string, UidOwner>;
}

const laneClass = (timeline: Timeline, call: TimelineCall): string => {
  const states = timeline.bookings.filter((b) => b.callId === call.callId).map((b) => b.status);
  if (states.includes('duplicate')) return 'duplicate';
  if (states.includes('confirmed')) return 'confirmed';
  return '';
};

export const laneHead = (timeline: Timeline, call: TimelineCall, column: number): string => {
  const states = timeline.bookings.filter((b) => b.callId === call.callId);
  const pending = notYetRecorded(timeline, call);
  const badges = pending ? badge('NOT YET RECORDED', 'pending') : states.map((b) => badge(b.status.toUpperCase(), b.status)).join('');
  return `<div class="lane-head ${laneClass(timeline, call)}" id="call-${escapeHtml(call.callId ?? 'none')}" style="grid-column:${column};grid-row:1" data-call-id="${escapeHtml(call.callId ?? '')}">
<h2>${escapeHtml(callTitle(call).replace(/ · .*$/, ''))}</h2>
${call.attendeeNames.length ? `<p class="who">${escapeHtml(call.attendeeNames.join(', '))}</p>` : ''}
<p>${badges} <span class="status">${escapeHtml(callStatusLine(timeline, call))}</span></p>
</div>`;
};

const zoned = (iso: string, zone: string) => {
  const t = inZone(iso, zone);
  return `${t.date} ${t.time} ${t.offset}`;
};

const ownerLink = (owner: UidOwner | undefined): string => {
  if (!owner) return '';
  const target = owner.eventId ? `#ev-${owner.eventId}` : `#booking-${owner.bookingId}`;
  return `<p class="owner-link">→ uid <code>${escapeHtml(owner.uid)}</code> belongs to <a class="owner" href="${escapeHtml(target)}" data-owner-booking-id="${escapeHtml(owner.bookingId)}">booking ${escapeHtml(owner.bookingId.slice(0, 8))}${owner.callId ? ` of call ${escapeHtml(owner.callId)}` : ''}</a></p>`;
};

/** What the caller heard, word for word (CallerAnswered). */
const told = (entry: TimelineEntry): string => {
  const words = /: "(.*)"$/s.exec(entry.meaning)?.[1];
  return entry.type === 'CallerAnswered' && words !== undefined ? `<blockquote class="told" data-status="${escapeHtml(entry.details.status ?? '')}">Caller heard: “${escapeHtml(words)}”</blockquote>` : '';
};

export const mark = (entry: TimelineEntry, ctx: MarkContext): string => {
  const classes = ['mark', `t-${className(entry.type)}`, ...entry.flags.map(className)];
  if (entry.flags.length > 0 && !entry.flags.every((f) => f === 'confirmed')) classes.push('flagged');
  const details: Array<[string, string]> = [
    ['stream', entry.streamId],
    ['happened', entry.occurredAt ? zoned(entry.occurredAt, ctx.zone) : '(unknown)'],
    ['recorded', zoned(entry.recordedAt, ctx.zone)],
    ...Object.entries(entry.details),
    ['correlationId', entry.correlationId ?? ''],
    ['eventId', entry.eventId],
  ];
  const open = ctx.expandAll || entry.flags.length > 0;
  return `<article class="${classes.join(' ')}" id="ev-${escapeHtml(entry.eventId)}" data-event-type="${escapeHtml(entry.type)}" data-call-id="${escapeHtml(entry.callId ?? '')}">
<div><span class="type">${escapeHtml(entry.type)}</span>${entry.flags.map((f) => badge(BADGES[f], f)).join('')}</div>
<p class="meaning">${escapeHtml(entry.meaning)}</p>
${told(entry)}
${entry.warnings.length ? `<ul class="warnings">${entry.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
${ownerLink(ctx.owners.get(entry.eventId))}
<details${open ? ' open' : ''}><summary>details</summary><dl>${details.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd class="mono">${escapeHtml(v)}</dd>`).join('')}</dl></details>
</article>`;
};

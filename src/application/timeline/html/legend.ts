import type { TimelineFlag } from '../timelineModel';
import { className, escapeHtml } from './escapeHtml';

export const BADGES: Record<TimelineFlag, string> = {
  duplicate: 'DUPLICATE',
  confirmed: 'CONFIRMED',
  stale_created_at: 'STALE createdAt',
  foreign_call_id: 'FOREIGN call_id',
  foreign_booking_ref: 'FOREIGN booking_ref',
  other_attendee: 'OTHER attendee',
  parked: 'PARKED (not in the read model)',
};

const MEANINGS: Record<TimelineFlag, string> = {
  duplicate: 'the event is part of a duplicate: a Cal.com uid claimed or returned for more than one booking',
  confirmed: "Cal.com's BOOKING_CREATED webhook proved the booking (the only way to CONFIRMED)",
  stale_created_at: "Cal.com's createdAt is older than our request: it handed back an existing booking",
  foreign_call_id: "the metadata call_id Cal.com returned names another call",
  foreign_booking_ref: 'the metadata booking_ref Cal.com returned names another booking',
  other_attendee: "none of Cal.com's attendees is this caller",
  parked: 'a projection could not apply the event: the read model does not reflect it',
};

export const badge = (text: string, kind: string): string => `<span class="badge ${className(kind)}">${escapeHtml(text)}</span>`;

/** What the colours and badges mean. */
export const legend = (): string => `<section class="legend" id="legend"><h2>Legend</h2><dl>
${(Object.keys(BADGES) as TimelineFlag[]).map((flag) => `<dt>${badge(BADGES[flag], flag)}</dt><dd>${escapeHtml(MEANINGS[flag])}</dd>`).join('\n')}
<dt>${badge('NOT YET RECORDED', 'pending')}</dt><dd>the call had nothing recorded by the as-of moment</dd>
<dt><span class="swatch mark-swatch"></span></dt><dd>an event (blue edge); orange edge: highlighted; red box: duplicate; green box: confirmed</dd>
<dt><span class="swatch told-swatch"></span></dt><dd>what the caller was told (CallerAnswered): the agent's exact words</dd>
<dt><span class="swatch link-swatch"></span></dt><dd>the link from a duplicate answer to the booking that owns the uid</dd>
<dt>⋯ N min later ⋯</dt><dd>a gap of a minute or more between two events</dd>
</dl></section>`;

import { escapeHtml } from '../../../application/timeline/html/escapeHtml';
import { badge } from '../../../application/timeline/html/legend';
import { shortZoned } from '../../../application/timeline/html/zonedTime';
import { maskContactsIn, maskPhone } from '../../../application/timeline/maskContact';
import type { ParkedEvent } from '../../../application/ports/parkedEvents';
import type { AbandonedDelivery, Appointment, AuditFindingView, DuplicateUid, RecentCall, WebhookMismatch } from '../../../projections';
import { consoleNav, consolePage, type ConsoleVisitor } from './consolePage';

export interface IndexFilter {
  practice?: string;
  callId?: string;
  bookingUid?: string;
  /** YYYY-MM-DD, in the practice's zone. */
  date?: string;
  caller?: string;
}

export interface ConsoleIndex {
  filter: IndexFilter;
  /** Why the filter was not applied (shown above the form). */
  problem?: string;
  practices: Array<{ id: string; name: string; timeZone: string }>;
  calls: RecentCall[];
  findings: { duplicates: DuplicateUid[]; unconfirmed: Appointment[]; mismatches: WebhookMismatch[]; parked: ParkedEvent[]; audit: AuditFindingView[]; abandoned: AbandonedDelivery[] };
  zoneOf(practiceId: string | null): string;
}

const timelineOfCall = (callId: string) => `/incidents/timeline?call_id=${encodeURIComponent(callId)}`;
const timelineOfUid = (uid: string) => `/incidents/timeline?booking_uid=${encodeURIComponent(uid)}`;
const a = (href: string, text: string, cls = '') => `<a${cls ? ` class="${cls}"` : ''} href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
const table = (cls: string, head: string[], rows: string[]) =>
  rows.length === 0 ? '<p class="none">None.</p>' : `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

const searchForm = (index: ConsoleIndex): string => {
  const f = index.filter;
  const input = (name: string, label: string, value: string | undefined, type = 'text', extra = '') =>
    `<label>${escapeHtml(label)} <input type="${type}" name="${name}" value="${escapeHtml(value ?? '')}"${extra}></label>`;
  const practices = index.practices.map((p) => `<option value="${escapeHtml(p.id)}"${f.practice === p.id ? ' selected' : ''}>${escapeHtml(`${p.name} (${p.id})`)}</option>`).join('');
  return `<form class="search" method="get" action="/console">
${input('call_id', 'Call id', f.callId, 'text', ' size="28" maxlength="256"')}
${input('booking_uid', 'Cal.com uid', f.bookingUid, 'text', ' size="24" maxlength="256"')}
${input('date', 'Date', f.date, 'date')}
${input('caller', 'Caller number', f.caller, 'text', ' size="16" maxlength="32" placeholder="+49*******67 or 4567"')}
<label>Practice <select name="practice"><option value="">all</option>${practices}</select></label>
<button type="submit" id="search">Search</button> ${a('/console', 'clear')}
</form>`;
};

/** The caller's number masked as everywhere in the console (country prefix and last two digits), else as Retell's webhook masked it. */
const callerOf = (call: RecentCall): string => {
  const trusted = call.bookings.find((b) => b.callerNumber)?.callerNumber;
  return trusted ? maskPhone(trusted) : (call.fromNumberMasked ?? '—');
};

const callRow = (call: RecentCall, index: ConsoleIndex): string => {
  const zone = index.zoneOf(call.practiceId);
  const outcome = call.bookings.length === 0 ? 'no booking' : call.bookings.map((b) => `${badge(b.status.toUpperCase(), b.status)}${b.calcomUid ? ` ${a(timelineOfUid(b.calcomUid), b.calcomUid, 'uid')}` : ''}`).join('<br>');
  const told = call.lastTold ? `${badge(call.lastTold.status.toUpperCase(), call.lastTold.status)} “${escapeHtml(maskContactsIn(call.lastTold.message))}”` : '<em>nothing yet</em>';
  return `<tr data-call-id="${escapeHtml(call.callId)}"><td class="mono">${escapeHtml(shortZoned(call.lastAt, zone))}</td><td class="mono">${a(timelineOfCall(call.callId), call.callId, 'call')}</td><td>${escapeHtml(call.practiceId ?? '—')}</td><td class="mono">${escapeHtml(callerOf(call))}</td><td>${outcome}</td><td class="told">${told}</td><td>${call.answers}</td></tr>`;
};

const findingsSection = (index: ConsoleIndex): string => {
  const { duplicates, unconfirmed, mismatches, parked, audit, abandoned } = index.findings;
  const zone = (practiceId: string | null) => index.zoneOf(practiceId);
  const count = duplicates.length + unconfirmed.length + mismatches.length + parked.length + audit.length + abandoned.length;
  return `<section id="findings"><h2>Open findings (${count})</h2>
<p>The 50 most recent of each kind (nothing here is marked resolved: a finding stays until its data changes — a duplicate uid stays listed for good).</p>
<h3>Duplicates: a Cal.com uid more than one booking touched (${duplicates.length})</h3>
${table('findings-duplicates', ['Cal.com uid', 'calls', 'reasons', 'last touched'], duplicates.map((d) => `<tr><td class="mono">${a(timelineOfUid(d.calcomUid), d.calcomUid, 'uid')}</td><td class="mono">${d.callIds.map((c) => a(timelineOfCall(c), c, 'call')).join('<br>')}</td><td>${escapeHtml(d.reasons.join(', '))}</td><td class="mono">${escapeHtml(shortZoned(d.lastTouchedAt, 'UTC'))}</td></tr>`))}
<h3>Unconfirmed bookings: no webhook proved them, and what Cal.com holds (${unconfirmed.length})</h3>
${table('findings-unconfirmed', ['call', 'slot', 'Cal.com holds', 'since'], unconfirmed.map((u) => `<tr><td class="mono">${u.callId ? a(timelineOfCall(u.callId), u.callId, 'call') : '?'}</td><td class="mono">${escapeHtml(u.slotStart ? shortZoned(u.slotStart, zone(u.practiceId)) : '')}</td><td>${escapeHtml(u.calcom ? `${u.calcom.lookup}${u.calcom.status ? ` (${u.calcom.status})` : ''}${u.calcom.metadataCallIdMatches === false ? ', metadata names another call' : ''}` : 'not looked up yet')}</td><td class="mono">${escapeHtml(shortZoned(u.updatedAt, zone(u.practiceId)))}</td></tr>`))}
<h3>Webhook mismatches (${mismatches.length})</h3>
${table('findings-mismatches', ['call', 'Cal.com uid', 'reasons', 'recorded'], mismatches.map((m) => `<tr><td class="mono">${m.callId ? a(timelineOfCall(m.callId), m.callId, 'call') : '?'}</td><td class="mono">${a(timelineOfUid(m.calcomUid), m.calcomUid, 'uid')}</td><td>${escapeHtml(m.reasons.join(', '))}</td><td class="mono">${escapeHtml(shortZoned(m.recordedAt, 'UTC'))}</td></tr>`))}
<h3>Abandoned webhooks: recorded, never applied to a booking (${abandoned.length})</h3>
${table('findings-abandoned', ['delivery', 'trigger', 'Cal.com uid', 'call', 'why', 'abandoned'], abandoned.map((d) => `<tr><td class="mono">${escapeHtml(d.deliveryId.slice(0, 12))}</td><td>${escapeHtml(d.triggerEvent ?? '?')}</td><td class="mono">${d.calcomUid ? a(timelineOfUid(d.calcomUid), d.calcomUid, 'uid') : '?'}</td><td class="mono">${d.callId ? a(timelineOfCall(d.callId), d.callId, 'call') : '?'}</td><td>${escapeHtml(maskContactsIn(d.reason))}</td><td class="mono">${escapeHtml(shortZoned(d.abandonedAt, zone(d.practiceId)))}</td></tr>`))}
<h3>Parked events: the read model does not reflect them (${parked.length})</h3>
${table('findings-parked', ['projection', 'event', 'stream', 'error', 'parked'], parked.map((p) => `<tr><td>${escapeHtml(p.projection)}</td><td class="mono">${escapeHtml(`${p.type} ${p.eventId}`)}</td><td class="mono">${escapeHtml(p.streamId)}</td><td>${escapeHtml(maskContactsIn(p.error))}</td><td class="mono">${escapeHtml(shortZoned(p.parkedAt, 'UTC'))}</td></tr>`))}
<h3>Truth audit: what callers were told against what Cal.com holds (${audit.length})</h3>
${table('findings-audit', ['call', 'finding', 'told at', 'detail'], audit.map((f) => `<tr><td class="mono">${a(timelineOfCall(f.callId), f.callId, 'call')}</td><td>${escapeHtml(f.kind)}</td><td class="mono">${escapeHtml(shortZoned(f.toldAt, zone(null)))}</td><td>${escapeHtml(maskContactsIn(f.detail))}</td></tr>`))}
</section>`;
};

/** The console's front page: search, the most recent calls with what each caller heard, and every open finding. */
export const indexPage = (index: ConsoleIndex, visitor: ConsoleVisitor): string => {
  const calls = table('recent-calls', ['last event', 'call', 'practice', 'caller', 'outcome', 'what the caller heard last', 'answers'], index.calls.map((c) => callRow(c, index)));
  const body = `<main class="console">
${index.problem ? `<p class="error" id="filter-problem">${escapeHtml(index.problem)}</p>` : ''}
${searchForm(index)}
<section id="calls"><h2>Recent calls (${index.calls.length}${index.calls.length >= 50 ? ', the 50 most recent' : ''})</h2>
<p>Times in each call's practice time zone. Caller numbers are masked.</p>
${calls}</section>
${findingsSection(index)}
</main>`;
  return consolePage('booking-ledger console', consoleNav(visitor), body);
};

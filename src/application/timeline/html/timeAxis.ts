import type { TimelineCall, TimelineEntry } from '../timelineModel';
import type { UidOwner } from './uidOwners';
import { escapeHtml } from './escapeHtml';
import { inZone } from './zonedTime';

export type TimeBasis = 'recorded' | 'happened';

export const timeOf = (entry: TimelineEntry, basis: TimeBasis): number =>
  basis === 'happened' ? Date.parse(entry.occurredAt ?? entry.recordedAt) : Date.parse(entry.recordedAt);

const STEPS_MS = [1, 5, 10, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000, 2_592_000_000, 31_536_000_000];
const stepFor = (span: number) => STEPS_MS.find((s) => span / s <= 8) ?? 31_536_000_000;

export const describeStep = (ms: number): string =>
  ms < 1_000 ? `${ms} ms` : ms < 60_000 ? `${ms / 1_000} s` : ms < 3_600_000 ? `${ms / 60_000} min` : ms < 86_400_000 ? `${ms / 3_600_000} h` : `${Math.round(ms / 86_400_000)} d`;

const LEFT = 190;
const WIDTH = 1000;
const LANE_HEIGHT = 30;
const TOP = 34;

const colourOf = (entry: TimelineEntry): string => {
  if (entry.flags.includes('duplicate')) return '#c62828';
  if (entry.flags.includes('confirmed')) return '#2e7d32';
  if (entry.flags.length > 0) return '#ef6c00';
  return '#5c7cfa';
};

const offsetMinutes = (at: number, zone: string): number => {
  const { offset } = inZone(new Date(at).toISOString(), zone);
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

/**
 * The overview: every event a dot on one time axis drawn to scale (recorded or happened time), a row
 * per call, ticks in the page's zone, each dot a link to its event below; a dashed red line joins a
 * duplicate answer to the event of the booking that owns its uid.
 */
export const timeAxis = (calls: TimelineCall[], basis: TimeBasis, zone: string, owners: Map<string, UidOwner>): string => {
  const entries = calls.flatMap((c) => c.entries);
  if (entries.length === 0) return '';
  const times = entries.map((e) => timeOf(e, basis));
  let t0 = times.reduce((a, b) => Math.min(a, b));
  let t1 = times.reduce((a, b) => Math.max(a, b));
  const pad = Math.max((t1 - t0) * 0.03, 500);
  t0 -= pad;
  t1 += pad;
  const x = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - 20);
  const height = TOP + calls.length * LANE_HEIGHT + 10;
  const step = stepFor(t1 - t0);
  const shift = step >= 3_600_000 ? offsetMinutes(t0, zone) * 60_000 : 0; // hours and days start at local midnight
  const ticks: string[] = [];
  let lastDate = '';
  for (let t = Math.ceil((t0 + shift) / step) * step - shift; t <= t1 && ticks.length < 40; t += step) {
    const at = inZone(new Date(t).toISOString(), zone);
    const label = step < 1_000 ? at.time.slice(0, 12) : step < 60_000 ? at.time.slice(0, 8) : at.time.slice(0, 5);
    const withDate = at.date !== lastDate ? `${at.date} ${label}` : label;
    lastDate = at.date;
    ticks.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${TOP - 6}" y2="${height - 6}" class="tick"/><text x="${x(t).toFixed(1)}" y="${TOP - 10}" class="tick-label">${escapeHtml(withDate)}</text>`);
  }
  const position = new Map<string, { x: number; y: number }>();
  const rows = calls.map((call, lane) => {
    const y = TOP + lane * LANE_HEIGHT + LANE_HEIGHT / 2;
    const dots = call.entries.map((entry) => {
      const cx = x(timeOf(entry, basis));
      position.set(entry.eventId, { x: cx, y });
      const told = entry.type === 'CallerAnswered';
      const shape = told ? `<rect x="${(cx - 5).toFixed(1)}" y="${y - 5}" width="10" height="10" fill="#fff" stroke="${colourOf(entry)}" stroke-width="2.5"/>` : `<circle cx="${cx.toFixed(1)}" cy="${y}" r="5.5" fill="${colourOf(entry)}"/>`;
      const when = entry.occurredAt && basis === 'happened' ? entry.occurredAt : entry.recordedAt;
      return `<a href="#ev-${escapeHtml(entry.eventId)}" class="dot" data-event-type="${escapeHtml(entry.type)}"><title>${escapeHtml(`${entry.type} · ${when}`)}</title>${shape}</a>`;
    });
    const name = call.callId === null ? 'no call' : call.callId.length > 26 ? `${call.callId.slice(0, 25)}…` : call.callId;
    return `<g class="axis-lane" data-call-id="${escapeHtml(call.callId ?? '')}"><line x1="${LEFT}" x2="${WIDTH - 20}" y1="${y}" y2="${y}" class="lane-line"/><text x="8" y="${y + 4}" class="lane-label">${escapeHtml(name)}</text>${dots.join('')}</g>`;
  });
  const links = [...owners].flatMap(([fromId, owner]) => {
    const from = position.get(fromId);
    const to = owner.eventId ? position.get(owner.eventId) : undefined;
    if (!from || !to) return [];
    return [`<line class="uid-link" data-from="${escapeHtml(fromId)}" data-to="${escapeHtml(owner.eventId!)}" x1="${from.x.toFixed(1)}" y1="${from.y}" x2="${to.x.toFixed(1)}" y2="${to.y}"><title>${escapeHtml(`uid ${owner.uid} belongs to booking ${owner.bookingId}`)}</title></line>`];
  });
  return `<figure class="overview"><figcaption>To scale, by ${basis} time (${escapeHtml(zone)}): one tick every ${describeStep(step)}; ● event, ◻ what the caller was told, dashed red line: the same Cal.com uid, from the duplicate answer to the booking that owns it.</figcaption>
<svg class="axis-svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Events on a time axis drawn to scale">${ticks.join('')}${rows.join('')}${links.join('')}</svg></figure>`;
};

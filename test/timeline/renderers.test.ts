import { buildTimeline } from '../../src/application/timeline/buildTimeline';
import { escapeHtml, renderHtml } from '../../src/application/timeline/renderHtml';
import { renderJson } from '../../src/application/timeline/renderJson';
import { renderMarkdown } from '../../src/application/timeline/renderMarkdown';
import { renderText } from '../../src/application/timeline/renderText';
import { CALCOM_CREATED_AT, UID, call687, call688 } from '../fixtures/incident';
import { incidentEvents } from './support/incidentEvents';

const subject = { kind: 'booking_uid' as const, uid: UID };
const now = new Date('2025-10-07T00:00:00Z');
const timeline = buildTimeline(incidentEvents(), { subject, now });
const asOf = buildTimeline(incidentEvents(), { subject, now, asOf: new Date('2025-10-06T09:20:00Z') });

const MALICIOUS = '<script>window.__pwned=1</script><img src=x onerror=alert(1)> | `x` **y**\u001b[31m';
const hostile = buildTimeline(incidentEvents({ name688: MALICIOUS }), { subject, now });

describe('text', () => {
  const text = renderText(timeline);

  it('shows both calls together, with both times, the stream and the meaning of every event', () => {
    expect(text).toContain(`== 2 calls touched Cal.com uid ${UID} ==`);
    expect(text.indexOf(`-- Call ${call687.callId}`)).toBeLessThan(text.indexOf(`-- Call ${call688.callId}`));
    expect(text).toContain(`  happened 2025-10-06T09:39:22.000Z  recorded 2025-10-06T09:39:22.010Z  booking-`);
    expect(text).toContain(`⚠ STALE createdAt ${CALCOM_CREATED_AT}: 34 min before this booking was requested`);
    expect(text).toContain(`⚠ FOREIGN call_id ${call687.callId} in Cal.com's metadata; this call is ${call688.callId}`);
    expect(text).toMatch(/DuplicateDetected: metadata_booking_ref_mismatch, stale_created_at, metadata_call_id_mismatch, attendee_mismatch, uid_already_claimed/);
  });

  it('ends with the duplicates and the booking states: only 687 confirmed', () => {
    expect(text).toMatch(new RegExp(`uid ${UID}: 2 bookings`));
    expect(text.match(/ CONFIRMED /g)).toHaveLength(1);
    expect(text).toMatch(new RegExp(`call ${call687.callId}  Hansi Sputer  \\S+  CONFIRMED`));
    expect(text).toMatch(new RegExp(`call ${call688.callId}  Hans Schuster  \\S+  DUPLICATE`));
  });

  it('as of between the calls: 688 has nothing recorded yet', () => {
    const text = renderText(asOf);
    expect(text).toContain('As of 2025-10-06T09:20:00.000Z');
    expect(text).toContain(`-- Call ${call688.callId} -- nothing recorded yet as of 2025-10-06T09:20:00.000Z`);
    expect(text).not.toContain('DuplicateDetected');
    expect(text).not.toContain('DUPLICATE');
  });

  it('lets no control character from stored data reach the terminal', () => {
    expect(renderText(hostile)).not.toContain('\u001b');
  });
});

describe('Markdown incident report', () => {
  const report = renderMarkdown(timeline);

  it('has a summary, a timeline per call, the duplicates and the states', () => {
    expect(report).toMatch(/^# Incident report: Cal\.com uid 8Fxv4pCqnb1Jva1w9wn5wX\n/);
    const sections = [...report.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Summary', 'Timeline', 'Duplicates', 'Booking states']);
    expect(report).toContain(`- **Confirmed:** booking \``);
    expect(report).toContain(`of call \`${call687.callId}\` (Hansi Sputer), by BOOKING_CREATED webhook.`);
    expect(report).toContain(`- **Not booked (duplicate):** booking`);
    expect(report).toContain(`### Call ${call688.callId} · Hans Schuster`);
    expect(report).toContain('| happened | recorded | stream | event | meaning |');
    expect(report).toContain('**⚠ STALE createdAt');
    expect(report).toContain('| **confirmed** |');
  });

  it('keeps caller-supplied text inside its table cell and out of markup', () => {
    const md = renderMarkdown(hostile);
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>');
    const rows = md.split('\n').filter((line) => line.startsWith('| ') && line.includes('Booking 288c24ee requested'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/(?<!\\)\|/).length - 2).toBe(5);
  });
});

describe('JSON', () => {
  it('is the timeline model itself', () => {
    expect(JSON.parse(renderJson(timeline))).toEqual(JSON.parse(JSON.stringify(timeline)));
  });
});

describe('HTML page', () => {
  const html = renderHtml(timeline);

  it('is one self-contained document: inline style, no script, nothing loaded from elsewhere, links only within itself', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|<form/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => !h.startsWith('#'))).toEqual([]);
  });

  it("links 688's duplicate answer to the booking of 687 that owns the uid, and draws the link on the axis", () => {
    const answer688 = /<article class="mark t-CalcomResponded[^"]*" id="ev-([^"]+)"[^>]*data-call-id="call_688_hans_schuster">[\s\S]*?<\/article>/.exec(html)!;
    const confirmation = /<article class="mark t-BookingConfirmedByWebhook[^"]*" id="ev-([^"]+)"[^>]*data-call-id="call_927bf219b2cc20cd24dc97c9f0b"/.exec(html)!;
    expect(answer688[0]).toContain(`<p class="owner-link">→ uid <code>${UID}</code> belongs to <a class="owner" href="#ev-${confirmation[1]}"`);
    expect(html).toContain(`<line class="uid-link" data-from="${answer688[1]}" data-to="${confirmation[1]}"`);
  });

  it('draws the overview to scale: the 34 minutes between the calls are most of its width', () => {
    const xs = [...html.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const sorted = [...xs].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((x, i) => x - sorted[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(600); // of 790 units: the quiet 34 minutes
    expect(html).toContain('one tick every 5 min');
  });

  it('has a legend for every badge and colour', () => {
    for (const label of ['DUPLICATE', 'CONFIRMED', 'STALE createdAt', 'FOREIGN call_id', 'PARKED (not in the read model)', 'NOT YET RECORDED', 'what the caller was told']) {
      expect(html).toMatch(new RegExp(`<section class="legend" id="legend">[\\s\\S]*${label.replace(/[()]/g, '\\$&')}`));
    }
  });

  it('has a column per call, a mark per event, duplicates and the confirmed booking marked', () => {
    expect(html).toContain('--lanes:2');
    expect(html.match(/<article class="mark /g)).toHaveLength(10);
    expect(html).toMatch(/class="lane-head duplicate"[^>]*data-call-id="call_688_hans_schuster"/);
    expect(html).toMatch(/class="lane-head confirmed"[^>]*data-call-id="call_927bf219b2cc20cd24dc97c9f0b"/);
    expect(html).toMatch(/<article class="mark t-DuplicateDetected duplicate flagged"/);
    expect(html).toContain('<span class="badge stale_created_at">STALE createdAt</span>');
    expect(html).toContain('<span class="badge foreign_call_id">FOREIGN call_id</span>');
    expect(html).toContain('⋯ 34 min later ⋯');
  });

  it('escapes every value: a <script> in a caller name is text, not markup', () => {
    const page = renderHtml(hostile);
    expect(page).not.toContain('<script>window.__pwned');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('as of between the calls shows 688 as not yet recorded', () => {
    const page = renderHtml(asOf);
    expect(page).toMatch(/data-call-id="call_688_hans_schuster">\s*<h2>Call call_688_hans_schuster<\/h2>\s*<p><span class="badge pending">NOT YET RECORDED<\/span>/);
    expect(page).not.toContain('t-DuplicateDetected');
  });
});

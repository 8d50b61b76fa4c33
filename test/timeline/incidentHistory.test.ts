import { runDuplicates } from '../../src/adapters/cli/duplicatesCommand';
import { parseTimelineOptions, runTimeline } from '../../src/adapters/cli/timelineCommand';
import { createSqlEventHistory } from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import { scanningEventHistory } from '../../src/adapters/eventStore/scanningEventHistory';
import type { EventHistory } from '../../src/application/ports/eventHistory';
import { loadTimeline } from '../../src/application/timeline/loadTimeline';
import { listDuplicates } from '../../src/projections';
import { CALCOM_CREATED_AT, UID, booking687, booking688, call687, call688 } from '../fixtures/incident';
import { sqlTargets } from '../support/databases';
import { ADMIN_TOKEN, eventually } from '../support/testService';
import { replayIncident, stopReplay, type ReplayedIncident } from './support/replayIncident';

/** Runs the `timeline` command's action in-process; returns its exit code and what it printed. */
const timelineCli = async (history: EventHistory, options: Parameters<typeof parseTimelineOptions>[0]) => {
  let out = '';
  let err = '';
  const code = await runTimeline(history, parseTimelineOptions(options), { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
};

describe.each(sqlTargets)('Replaying the incident from the stored history (%s)', (_name, openDb) => {
  let replay: ReplayedIncident;
  let sql: EventHistory;
  let scan: EventHistory;

  beforeAll(async () => {
    replay = await replayIncident(openDb);
    sql = createSqlEventHistory(replay.t.db);
    scan = scanningEventHistory(replay.t.service.ctx.deps.store);
  });
  afterAll(() => stopReplay(replay));

  it('the replay itself went as in the incident test: 687 confirmed, 688 duplicate', () => {
    expect(replay.answer687).toMatchObject({ status: 'confirmed', booking_id: booking687 });
    expect(replay.answer688).toMatchObject({ status: 'duplicate', booking_id: booking688 });
  });

  describe('timeline --booking-uid', () => {
    it('text: both calls together, the stale createdAt, the foreign call_id, DuplicateDetected, only 687 confirmed', async () => {
      const { code, out } = await timelineCli(sql, { bookingUid: UID });
      expect(code).toBe(0);
      expect(out).toContain(`== 2 calls touched Cal.com uid ${UID} ==`);
      expect(out).toContain(`-- Call ${call687.callId} · ${call687.name} -- booking ${booking687.slice(0, 8)} confirmed`);
      expect(out).toContain(`-- Call ${call688.callId} · ${call688.name} -- booking ${booking688.slice(0, 8)} duplicate`);
      expect(out).toContain(`created ${CALCOM_CREATED_AT} (34 min before this request) for call ${call687.callId}`);
      expect(out).toContain(`⚠ STALE createdAt ${CALCOM_CREATED_AT}`);
      expect(out).toContain(`⚠ FOREIGN call_id ${call687.callId} in Cal.com's metadata; this call is ${call688.callId}`);
      expect(out).toMatch(/DuplicateDetected: .*stale_created_at.*metadata_call_id_mismatch.*uid_already_claimed/);
      expect(out).toContain('Confirmed by BOOKING_CREATED webhook');
      expect(out.match(/ CONFIRMED /g)).toHaveLength(1);
      expect(out).toMatch(new RegExp(`${booking687}  call ${call687.callId}  ${call687.name}  \\S+  CONFIRMED`));
      expect(out).toMatch(new RegExp(`${booking688}  call ${call688.callId}  ${call688.name}  \\S+  DUPLICATE`));
      expect(out).not.toMatch(/termin@askproai\.de|call-call_\w+@/);
    });

    it('md: an incident report with both calls, the highlights and the states', async () => {
      const { code, out } = await timelineCli(sql, { bookingUid: UID, format: 'md' });
      expect(code).toBe(0);
      expect(out).toContain(`# Incident report: Cal.com uid ${UID}`);
      expect(out).toContain(`### Call ${call687.callId} · ${call687.name}`);
      expect(out).toContain(`### Call ${call688.callId} · ${call688.name}`);
      expect(out).toContain(`**⚠ STALE createdAt ${CALCOM_CREATED_AT}`);
      expect(out).toContain(`**⚠ FOREIGN call_id ${call687.callId}`);
      expect(out).toContain('| **DuplicateDetected** |');
      expect(out.match(/\| \*\*confirmed\*\* \|/g)).toHaveLength(1);
      expect(out).toContain(`- **Confirmed:** booking \`${booking687}\` of call \`${call687.callId}\``);
      // What each caller heard, and when (CallerAnswered): 688 was told the truth at 11:39 Berlin time.
      expect(out).toMatch(/- was told at 2025-10-06T09:0\d:\S+ \(book_appointment, confirmed\): "Ihr Termin am 10\.10\.2025 um 08:00 Uhr ist gebucht und bestätigt\."/);
      expect(out).toMatch(/- was told at 2025-10-06T09:39:\S+ \(book_appointment, duplicate\): "Der Termin am 10\.10\.2025 um 08:00 Uhr konnte für Sie nicht gebucht werden, er ist bereits vergeben\./);
    });

    it('json: the model with both calls, flags and states', async () => {
      const { code, out } = await timelineCli(sql, { bookingUid: UID, format: 'json' });
      expect(code).toBe(0);
      const timeline = JSON.parse(out);
      expect(timeline.calls.map((c: { callId: string }) => c.callId)).toEqual([call687.callId, call688.callId]);
      const answer688 = timeline.calls[1].entries.find((e: { type: string }) => e.type === 'CalcomResponded');
      expect(answer688.flags).toEqual(expect.arrayContaining(['stale_created_at', 'foreign_call_id']));
      expect(answer688.details).toMatchObject({ createdAt: CALCOM_CREATED_AT, 'metadata.call_id': call687.callId });
      expect(timeline.bookings.map((b: { callId: string; status: string }) => [b.callId, b.status])).toEqual([
        [call687.callId, 'confirmed'],
        [call688.callId, 'duplicate'],
      ]);
      expect(timeline.calls.flatMap((c: { entries: Array<{ occurredAt: string; recordedAt: string }> }) => c.entries).every((e: { occurredAt: string; recordedAt: string }) => e.occurredAt && e.recordedAt)).toBe(true);
    });

    it('--as-of a moment between the two calls: 687 exists and is confirmed, 688 does not exist yet', async () => {
      const { code, out } = await timelineCli(sql, { bookingUid: UID, asOf: replay.betweenCalls.toISOString(), format: 'json' });
      expect(code).toBe(0);
      const timeline = JSON.parse(out);
      expect(timeline.bookings).toEqual([expect.objectContaining({ bookingId: booking687, callId: call687.callId, status: 'confirmed' })]);
      const lane688 = timeline.calls.find((c: { callId: string }) => c.callId === call688.callId);
      expect(lane688).toMatchObject({ entries: [], laterEventCount: 4 }); // requested, answered (by Cal.com), duplicate, and what the caller was told
      expect(timeline.duplicates).toEqual([]);

      const text = (await timelineCli(sql, { bookingUid: UID, asOf: replay.betweenCalls.toISOString() })).out;
      expect(text).toContain(`-- Call ${call688.callId} -- nothing recorded yet as of ${replay.betweenCalls.toISOString()}`);
      expect(text).not.toContain(booking688);
    });

    it('the full-scan history (EventStoreDB fallback) gives the same timeline as the indexed one', async () => {
      const now = new Date('2025-10-07T00:00:00Z');
      const range = { kind: 'recorded_between' as const, from: new Date(replay.betweenCalls.getTime() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
      for (const subject of [{ kind: 'booking_uid' as const, uid: UID }, { kind: 'calls' as const, callIds: [call688.callId] }, range]) {
        const indexed = await loadTimeline(sql, subject, { now });
        // The scan reads in global order, which on a shared PostgreSQL waits for any transaction open on the
        // server (another test file's): wait until it has passed, then the two must be equal.
        const deadline = Date.now() + 10_000;
        let scanned = await loadTimeline(scan, subject, { now });
        while (scanned.counts.matched < indexed.counts.matched && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          scanned = await loadTimeline(scan, subject, { now });
        }
        expect(scanned).toEqual(indexed);
      }
    });
  });

  describe('timeline --call and --from/--to', () => {
    it('--call 688 shows its own events, and the conflict with 687 in their meaning', async () => {
      const { code, out } = await timelineCli(sql, { call: [call688.callId] });
      expect(code).toBe(0);
      expect(out).toContain(`-- Call ${call688.callId} · ${call688.name}`);
      expect(out).not.toContain(`-- Call ${call687.callId}`);
      expect(out).toContain(`belongs to booking ${booking687.slice(0, 8)} (call ${call687.callId})`);
      // The summary never says "no uid claimed twice" above a DuplicateDetected whose owner is not shown.
      expect(out).not.toContain('no Cal.com uid claimed');
      expect(out).toContain(`1 DuplicateDetected for Cal.com uid(s) ${UID} owned by a call outside this selection (see timeline --booking-uid ${UID})`);
    });

    it('--as-of-basis happened filters on when things happened instead of what was recorded', async () => {
      const happened = await loadTimeline(sql, { kind: 'booking_uid', uid: UID }, { asOf: new Date('2025-10-06T09:20:00Z'), asOfBasis: 'happened' });
      expect(happened.asOfBasis).toBe('happened');
      expect(happened.calls.find((c) => c.callId === call688.callId)?.entries).toEqual([]); // 688 happened at 09:39
      expect(happened.bookings.map((b) => b.status)).toEqual(['confirmed']);
      const recorded = await loadTimeline(sql, { kind: 'booking_uid', uid: UID }, { asOf: new Date('2025-10-06T09:20:00Z') });
      expect(recorded.counts.shown).toBe(0); // nothing had been recorded by then (it was replayed today)
    });

    it('--from/--to covers what was recorded in the range', async () => {
      const { code, out } = await timelineCli(sql, { from: new Date(replay.betweenCalls.getTime() - 60_000).toISOString(), to: replay.betweenCalls.toISOString(), format: 'json' });
      expect(code).toBe(0);
      expect(JSON.parse(out).calls.map((c: { callId: string }) => c.callId)).toEqual([call687.callId]);
    });

    it('answers 3 (nothing found) for an unknown call or uid, with a message', async () => {
      const unknown = await timelineCli(sql, { call: ['call_that_never_was'] });
      expect(unknown).toMatchObject({ code: 3, out: '', err: 'No events match call call_that_never_was.\n' });
      expect((await timelineCli(sql, { bookingUid: 'no-such-uid' })).code).toBe(3);
    });
  });

  describe('duplicates', () => {
    it('lists uid 8Fxv4pCqnb1Jva1w9wn5wX with both calls, both bookings and the reasons', async () => {
      await eventually(async () => (await listDuplicates(replay.t.db)).length > 0);
      let out = '';
      const code = await runDuplicates(replay.t.db, 'text', { out: (t) => void (out += t), err: () => undefined });
      expect(code).toBe(0);
      expect(out).toContain(`Cal.com uid ${UID}: 2 bookings`);
      expect(out).toContain(`calls:    ${[call687.callId, call688.callId].sort().join(', ')}`);
      expect(out).toContain(`bookings: ${[booking687, booking688].sort().join(', ')}`);
      expect(out).toMatch(/reasons: .*stale_created_at.*uid_already_claimed/);
      expect(out).toContain(`replay:   booking-ledger timeline --booking-uid ${UID}`);

      let json = '';
      await runDuplicates(replay.t.db, 'json', { out: (t) => void (json += t), err: () => undefined });
      expect(JSON.parse(json).duplicates).toEqual([expect.objectContaining({ calcomUid: UID, callIds: [call687.callId, call688.callId].sort() })]);

      let md = '';
      await runDuplicates(replay.t.db, 'md', { out: (t) => void (md += t), err: () => undefined });
      expect(md).toContain(`| \`${UID}\` |`);
    });
  });

  describe('GET /incidents/timeline', () => {
    it('needs the admin token', async () => {
      const { status } = await replay.t.get(`/incidents/timeline?booking_uid=${UID}`, { token: null });
      expect(status).toBe(401);
    });

    it('answers JSON with Accept: application/json', async () => {
      const { status, json } = await replay.t.get(`/incidents/timeline?booking_uid=${UID}`);
      expect(status).toBe(200);
      expect(json.subject).toEqual({ kind: 'booking_uid', uid: UID });
      expect(json.calls.map((c: { callId: string }) => c.callId)).toEqual([call687.callId, call688.callId]);
      expect(json.bookings.map((b: { status: string }) => b.status)).toEqual(['confirmed', 'duplicate']);
    });

    it('answers the HTML page otherwise, with both calls, the highlights and the states', async () => {
      const response = await fetch(`${replay.t.url}/incidents/timeline?booking_uid=${UID}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html).toContain(`data-call-id="${call687.callId}"`);
      expect(html).toContain(`data-call-id="${call688.callId}"`);
      expect(html).toContain('STALE createdAt');
      expect(html).toContain('FOREIGN call_id');
      expect(html).toContain('data-event-type="DuplicateDetected"');
      expect(html.match(/<span class="badge confirmed">CONFIRMED<\/span> <span class="status">/g)).toHaveLength(1);
    });

    it('takes call_id and as_of', async () => {
      const { json } = await replay.t.get(`/incidents/timeline?call_id=${call688.callId}`);
      expect(json.calls.map((c: { callId: string }) => c.callId)).toEqual([call688.callId]);
      const { json: before } = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=${encodeURIComponent(replay.betweenCalls.toISOString())}`);
      expect(before.bookings.map((b: { callId: string; status: string }) => [b.callId, b.status])).toEqual([[call687.callId, 'confirmed']]);
    });

    it('refuses a bad query with 400 and answers 404 when nothing matches', async () => {
      expect((await replay.t.get('/incidents/timeline')).status).toBe(400);
      expect((await replay.t.get(`/incidents/timeline?call_id=a&booking_uid=${UID}`)).status).toBe(400);
      const badAsOf = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=yesterday`);
      expect(badAsOf).toMatchObject({ status: 400, json: { error: 'invalid_query' } });
      expect(badAsOf.json.message).toMatch(/as_of must be an ISO 8601 instant/);
      expect((await replay.t.get('/incidents/timeline?call_id=nobody')).status).toBe(404);
      expect((await replay.t.get('/incidents/timeline?call_id=nobody', { accept: 'text/html' })).status).toBe(404);
    });
  });
});

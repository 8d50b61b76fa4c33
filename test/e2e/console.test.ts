import { DateTime } from 'luxon';
import { toNewEvent } from '../../src/application/eventEnvelope';
import { webhookStreamId } from '../../src/domain';
import { sqlTargets } from '../support/databases';
import { ADMIN_TOKEN, eventually } from '../support/testService';
import { UID, call687, call688 } from '../fixtures/incident';
import { replayIncident, stopReplay, type ReplayedIncident } from '../timeline/support/replayIncident';

/**
 * The console's pages over HTTP on each database (bearer token, as a script would): the index's search
 * and findings, and the incident page's as-of, time zone and export parameters.
 */
describe.each(sqlTargets)('the analysts console over HTTP on %s', (_target, openDb) => {
  let replay: ReplayedIncident;
  const page = async (path: string) => {
    const r = await replay.t.get(path, { accept: 'text/html' });
    return { ...r, calls: [...r.text.matchAll(/<tr data-call-id="([^"]+)">/g)].map((m) => m[1]!).sort() };
  };

  beforeAll(async () => {
    replay = await replayIncident(openDb);
    // The index reads the read model: wait until the projection has both calls and the duplicate.
    await eventually(async () => /<table class="findings-duplicates">[\s\S]*8Fxv4pCqnb1Jva1w9wn5wX/.test((await page('/console')).text));
  }, 60_000);
  afterAll(() => stopReplay(replay));

  it('lists both calls and the duplicate, and narrows by call id, uid, masked number, date and practice', async () => {
    const all = await page('/console');
    expect(all.status).toBe(200);
    expect(all.calls).toEqual([call687.callId, call688.callId].sort());
    expect(all.text).toMatch(/<table class="findings-duplicates">[\s\S]*8Fxv4pCqnb1Jva1w9wn5wX/);
    expect(all.text).not.toContain('+4930000000'); // numbers only masked

    expect((await page(`/console?call_id=${call688.callId}`)).calls).toEqual([call688.callId]);
    expect((await page(`/console?booking_uid=${UID}`)).calls).toHaveLength(2);
    expect((await page(`/console?caller=${encodeURIComponent('+49******00')}`)).calls).toHaveLength(2);
    expect((await page('/console?caller=0000000')).calls).toHaveLength(2); // the national form's digits
    expect((await page('/console?caller=9999')).calls).toEqual([]);
    expect((await page('/console?date=2025-10-06&practice=default')).calls).toHaveLength(2);
    expect((await page('/console?date=2025-10-07')).calls).toEqual([]);
  });

  it('lists a Cal.com delivery the resumer abandoned, linked to the uid and call it named, in every practice’s view while its practice is unknown', async () => {
    const deliveryId = `abandoned${Date.now().toString(16)}`;
    const at = new Date().toISOString();
    const causation = { correlationId: deliveryId, causationId: deliveryId };
    const abandon = async (id: string, uid: string, from: { practiceId?: string }) => {
      const events = [
        { type: 'CalcomWebhookReceived', data: { deliveryId: id, occurredAt: at, triggerEvent: 'BOOKING_CANCELLED', uid, callId: call688.callId, body: {}, from } },
        { type: 'CalcomWebhookAbandoned', data: { deliveryId: id, occurredAt: at, uid, callId: call688.callId, attempts: 5, reason: 'not settled after 5 attempts; the last failed with: boom' } },
      ].map((event) => toNewEvent(event, causation));
      await replay.t.service.stores.eventStore.appendToStream(webhookStreamId(id), events, { expectedVersion: 'no_stream' });
    };
    await abandon(deliveryId, 'uidAbandonedOne', {});
    await abandon(`${deliveryId}b`, 'uidAbandonedTwo', { practiceId: 'elsewhere' });

    const abandonedTable = async (path: string) => /<table class="findings-abandoned">[\s\S]*?<\/table>/.exec((await page(path)).text)?.[0] ?? '';
    await eventually(async () => {
      const all = await abandonedTable('/console');
      return ['uidAbandonedOne', 'uidAbandonedTwo', 'not settled after 5 attempts'].every((text) => all.includes(text));
    });
    const row = await abandonedTable('/console?practice=default');
    expect(row).not.toContain('uidAbandonedTwo'); // another practice's
    expect(row).toContain('BOOKING_CANCELLED');
    expect(row).toContain(`href="/incidents/timeline?booking_uid=uidAbandonedOne"`);
    expect(row).toContain(`href="/incidents/timeline?call_id=${call688.callId}"`);
  });

  it('says what it could not use of a filter, and shows everything else', async () => {
    const odd = await page('/console?practice=nope&date=2025-02-30&caller=abc');
    expect(odd.status).toBe(200);
    expect(odd.text).toContain('No practice &quot;nope&quot;');
    expect(odd.text).toContain('is no date');
    expect(odd.text).toContain('A caller number is digits');
    expect((await replay.t.get(`/console?call_id=${'x'.repeat(300)}`, { accept: 'text/html' })).status).toBe(400);
  });

  it('reads an as-of typed in practice time, or from the slider when it moved, and refuses one it cannot read', async () => {
    const between = replay.betweenCalls;
    const local = DateTime.fromJSDate(between).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm:ss.SSS');
    const typed = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=${encodeURIComponent(local)}`, { accept: 'text/html' });
    expect(typed.text).toContain(`As of ${between.toISOString()}`);
    expect(typed.text).toMatch(/class="lane-head [^"]*"[^>]*data-call-id="call_688_hans_schuster">\s*<h2>[^<]*<\/h2>\s*<p><span class="badge pending">NOT YET RECORDED/);

    const moved = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=&as_of_ms=${between.getTime()}&as_of_was=${between.getTime() + 60_000}`, { accept: 'text/html' });
    expect(moved.text).toContain(`As of ${between.toISOString()}`);
    const still = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=&as_of_ms=${between.getTime()}&as_of_was=${between.getTime()}`, { accept: 'text/html' });
    expect(still.text).not.toContain('As of 20');

    const unreadable = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&as_of=half past eleven`);
    expect(unreadable.status).toBe(400);
    expect(unreadable.json.message).toContain('as_of must be');
  });

  it('shows practice time by default and UTC on request, and exports JSON and Markdown', async () => {
    const berlin = await replay.t.get(`/incidents/timeline?booking_uid=${UID}`, { accept: 'text/html' });
    expect(berlin.text).toContain('Time (Europe/Berlin)');
    expect(berlin.text).toContain('>11:04:54.000</time>');
    const utc = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&tz=utc`, { accept: 'text/html' });
    expect(utc.text).toContain('>09:04:54.000</time>');

    const json = await replay.t.get(`/incidents/timeline?booking_uid=${UID}&format=json`, { accept: 'text/html' });
    expect(json.json.calls.map((c: { callId: string }) => c.callId)).toEqual([call687.callId, call688.callId]);
    const response = await fetch(`${replay.t.url}/incidents/timeline?booking_uid=${UID}&format=markdown`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="timeline-${UID}.md"`);
    expect(await response.text()).toContain(`# Incident report: Cal.com uid ${UID}`);
  });
});

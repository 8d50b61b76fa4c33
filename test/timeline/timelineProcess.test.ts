import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPgliteDatabase } from '../../src/adapters/sql/pgliteDatabase';
import { UID, call687, call688 } from '../fixtures/incident';
import { BASELINE_WASM_ONLY } from '../support/childService';
import { runCli } from '../support/cliProcess';
import { pgliteTemplate } from '../support/pgliteTemplate';
import { replayIncident, stopReplay, type ReplayedIncident } from './support/replayIncident';

/** `booking-ledger <args>` as a real process on the PGlite directory. */
const cli = (dir: string, args: string[]) => runCli(args, { EVENT_STORE_URL: `pglite://${dir}` }, { nodeFlags: BASELINE_WASM_ONLY });

describe('booking-ledger timeline and duplicates as processes (PGlite directory)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bl-timeline-'));
  let replay: ReplayedIncident | undefined;

  beforeAll(async () => {
    replay = await replayIncident(() => openPgliteDatabase(dir, { loadDataDir: pgliteTemplate() }));
    await stopReplay(replay);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('timeline --booking-uid prints both calls and exits 0', async () => {
    const { code, out } = await cli(dir, ['timeline', '--booking-uid', UID]);
    expect(code).toBe(0);
    expect(out).toContain(`-- Call ${call687.callId} · ${call687.name}`);
    expect(out).toContain(`-- Call ${call688.callId} · ${call688.name}`);
    expect(out).toContain('DuplicateDetected');
  }, 60_000);

  it('--as-of between the calls shows 688 not yet recorded', async () => {
    const { code, out } = await cli(dir, ['timeline', '--booking-uid', UID, '--as-of', replay!.betweenCalls.toISOString(), '--format', 'md']);
    expect(code).toBe(0);
    expect(out).toContain('| **not yet recorded** |');
    expect(out.match(/\| \*\*confirmed\*\* \|/g)).toHaveLength(1);
  }, 60_000);

  it('duplicates lists the uid and exits 0', async () => {
    const { code, out } = await cli(dir, ['duplicates', '--format', 'json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).duplicates[0]).toMatchObject({ calcomUid: UID, callIds: [call687.callId, call688.callId].sort() });
  }, 60_000);

  it('exits 3 when nothing matches and 2 on a usage error, saying why', async () => {
    expect(await cli(dir, ['timeline', '--call', 'call_nobody'])).toMatchObject({ code: 3, out: '', err: expect.stringContaining('No events match call call_nobody') });
    // Usage errors are found before the directory is opened: these run side by side.
    const [asOf, none, format] = await Promise.all([
      cli(dir, ['timeline', '--as-of', 'yesterday', '--call', 'x']),
      cli(dir, ['timeline']),
      cli(dir, ['timeline', '--call', 'x', '--format', 'pdf']),
    ]);
    expect(asOf).toMatchObject({ code: 2, err: expect.stringContaining('--as-of "yesterday" is not an ISO 8601 instant') });
    expect(none).toMatchObject({ code: 2, err: expect.stringContaining('Give exactly one of --call') });
    expect(format).toMatchObject({ code: 2 });
  }, 60_000);
});

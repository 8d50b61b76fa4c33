import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASELINE_WASM_ONLY, CHILD_SERVICE_TEST_MS, startChildService, type ChildService } from '../support/childService';
import { runCli } from '../support/cliProcess';
import { seededPgliteDirectory } from '../support/databases';
import { makeReadableByEveryone, notPrivate } from '../support/fileModes';
import { signRetell } from '../support/testService';

const RETELL_KEY = 'key_retell_single_process_01';
const ADMIN_TOKEN = 'admin-token-single-process-0123';

/** PGlite is single-process: a second process must refuse the directory, and the CLI must ask the service. */
describe('one PGlite data directory, one process', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'bl-single-'));
  const dir = path.join(parent, 'ledger');
  const env = {
    EVENT_STORE_URL: `pglite://${dir}`,
    RETELL_API_KEY: RETELL_KEY,
    ADMIN_TOKEN,
    CALCOM_EVENT_TYPE_ID: '777',
    CALCOM_API_URL: 'http://127.0.0.1:9/v2', // nothing listens: Cal.com unreachable
    CALCOM_TIMEOUT_MS: '300',
    CONFIRMATION_WAIT_MS: '0',
    PGLITE_WASM_COMPILER: 'tiered', // starts ~2 s sooner; firstHour.test.ts runs serve's default
  };
  let first: ChildService | undefined;

  afterAll(() => {
    first?.process.kill('SIGKILL');
    rmSync(parent, { recursive: true, force: true });
  });

  it('lets the first serve hold it, refuses a second naming the holder, and makes an existing directory private', async () => {
    // Seeded from the run's template (no initdb in the child), then opened up as an older install left it;
    // firstHour.test.ts checks a directory serve creates itself.
    makeReadableByEveryone(await seededPgliteDirectory(dir));
    expect(notPrivate(dir)).not.toEqual([]);
    first = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    const body = JSON.stringify({ name: 'book_appointment', call: { call_id: 'call_single_1' }, args: { date: '2031-08-01', time: '09:00', name: 'Ada' } });
    const answer = await fetch(`${first.url}/retell/functions/book_appointment`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-retell-signature': signRetell(body, RETELL_KEY) }, body });
    expect(((await answer.json()) as { status: string }).status).toBe('error'); // Cal.com refused the connection: nothing booked

    const second = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY }).then(
      (child) => {
        child.process.kill('SIGKILL');
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(second).toContain(`is in use by booking-ledger process ${first.process.pid}`);

    expect(notPrivate(dir)).toEqual([]);
  }, CHILD_SERVICE_TEST_MS);

  it('tells the CLI to use the running service, and works through it with --url', async () => {
    const held = await runCli(['timeline', '--call', 'call_single_1'], env, { nodeFlags: BASELINE_WASM_ONLY });
    expect(held.code).toBe(1);
    expect(held.err).toContain(`is in use by booking-ledger process ${first!.process.pid}`);
    expect(held.err).toContain('booking-ledger timeline --call call_single_1 --url http://127.0.0.1:<PORT>');

    const timeline = await runCli(['timeline', '--call', 'call_single_1', '--url', first!.url], env);
    expect(timeline).toMatchObject({ code: 0 });
    expect(timeline.out).toContain('BookingRequested');
    expect(timeline.out).toContain('CalcomRequestFailed');
    expect(await runCli(['timeline', '--call', 'call_nobody', '--url', first!.url], env)).toMatchObject({ code: 3 });
    expect(await runCli(['duplicates', '--url', first!.url], env)).toMatchObject({ code: 3 });
    expect(await runCli(['rebuild', '--url', first!.url], env)).toMatchObject({ code: 0, out: expect.stringMatching(/^appointments: rebuilt from \d+ events\n$/) });
    expect(await runCli(['reconcile', '--json', '--url', first!.url], env)).toMatchObject({ code: 0, out: expect.stringContaining('"checked"') });
    expect(await runCli(['timeline', '--call', 'call_single_1', '--url', first!.url, '--token', 'wrong-token-0123456789'], { ...env, ADMIN_TOKEN: '' })).toMatchObject({
      code: 1,
      err: expect.stringContaining('answered HTTP 401'),
    });
  }, CHILD_SERVICE_TEST_MS);

  it('takes over the directory of a process that was killed', async () => {
    first!.process.kill('SIGKILL');
    await first!.exited.catch(() => undefined);
    first = await startChildService(env, { nodeFlags: BASELINE_WASM_ONLY });
    expect((await runCli(['timeline', '--call', 'call_single_1', '--url', first.url], env)).code).toBe(0);
  }, CHILD_SERVICE_TEST_MS);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChildService, type ChildService } from '../support/childService';
import { runCli } from '../support/cliProcess';
import { notPrivate } from '../support/fileModes';
import { signRetell } from '../support/testService';

/** A newcomer's first hour, as real processes: `.env` is read, start-up problems name the setting and the fix. */
describe('a fresh set-up', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bl-first-hour-'));
  let service: ChildService | undefined;
  afterAll(() => {
    service?.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads .env from the working directory (the environment wins over it), says which file it read, and keeps the new data directory private', async () => {
    writeFileSync(
      path.join(dir, '.env'),
      ['RETELL_API_KEY=key_from_dotenv_0123456789', 'CALCOM_EVENT_TYPE_ID=42', 'EVENT_STORE_URL=pglite://./data/ledger', 'DEFAULT_LANGUAGE=en', 'PORT=1'].join('\n'),
    );
    // A first start: PGlite creates its directory, V8 compiles its WebAssembly fully (11 s idle; load stretches it).
    service = await startChildService({ PORT: '0' }, { cwd: dir, startWithinMs: 100_000 }); // PORT from the environment beats PORT=1 in the file
    expect(service.output.join('')).toContain(`"msg":"Settings read from ${path.join(dir, '.env')} (variables set in the environment win over it)"`);
    expect(service.output.join('')).toContain('"PGLITE_WASM_COMPILER":"optimizing"'); // the default for serve
    const body = JSON.stringify({ call: { call_id: 'call_dotenv' }, args: {} });
    const unsigned = await fetch(`${service.url}/retell/functions/get_booking_status`, { method: 'POST', body });
    expect(unsigned.status).toBe(401); // signatures are checked: RETELL_API_KEY came from .env
    const signed = await fetch(`${service.url}/retell/functions/get_booking_status`, { method: 'POST', body, headers: { 'x-retell-signature': signRetell(body, 'key_from_dotenv_0123456789') } });
    expect(((await signed.json()) as { message: string }).message).toBe('Could you tell me the day and time of your appointment again, please?'); // DEFAULT_LANGUAGE=en from .env
    expect(notPrivate(path.join(dir, 'data'))).toEqual([]); // created by serve: 0700 directories, 0600 files
  }, 120_000);

  it('stops with exit 78 and one line naming PORT when the port is taken', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    const { port } = holder.address() as net.AddressInfo;
    const result = await runCli(['serve'], { PORT: String(port), EVENT_STORE_URL: 'pglite://memory' });
    holder.close();
    expect(result.code).toBe(78);
    expect(result.err.trim().split('\n').filter((l) => !l.startsWith('{'))).toEqual([`Invalid configuration: PORT: ${port} is already in use by another process (EADDRINUSE); stop that process or set PORT to a free port`]);
  }, 60_000);

  it('stops with exit 78 naming EVENT_STORE_URL when the data directory cannot be used', async () => {
    const file = path.join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    const result = await runCli(['serve'], { PORT: '0', EVENT_STORE_URL: `pglite://${file}/ledger` });
    expect(result.code).toBe(78);
    expect(result.err).toMatch(new RegExp(`Invalid configuration: EVENT_STORE_URL: the PGlite data directory ${file}/ledger cannot be used \\(ENOTDIR\\); choose a writable directory`));
  }, 60_000);

  it('stops with exit 78 naming EVENT_STORE_URL (password masked) when PostgreSQL cannot be reached', async () => {
    const result = await runCli(['serve'], { PORT: '0', EVENT_STORE_URL: 'postgres://app:secret@127.0.0.1:1/ledger' });
    expect(result.code).toBe(78);
    expect(result.err).toContain('Invalid configuration: EVENT_STORE_URL: PostgreSQL at postgres://app:***@127.0.0.1:1/ledger is not reachable (ECONNREFUSED); start it, or fix the URL');
    expect(result.err).not.toContain('secret');
  }, 60_000);

  it('stops with exit 78 naming EVENT_STORE_URL when EventStoreDB cannot be reached (its client is loaded only for its URL)', async () => {
    const result = await runCli(['serve'], { PORT: '0', EVENT_STORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    expect(result.code).toBe(78);
    expect(result.err).toContain('Invalid configuration: EVENT_STORE_URL: EventStoreDB at esdb://127.0.0.1:1?tls=false is not reachable (');
  }, 60_000);

  it('answers every usage mistake with exit 2', async () => {
    const mistakes = [['reconcile', '--bogus'], ['rebuild', '--bogus'], ['retell-functions', '--language', 'fr'], ['timeline'], ['audit', '--from', 'yesterday'], ['nonsense']];
    // Independent processes: run side by side.
    const results = await Promise.all(mistakes.map(async (args) => ({ args, code: (await runCli(args, { EVENT_STORE_URL: 'pglite://memory' })).code })));
    expect(results).toEqual(mistakes.map((args) => ({ args, code: 2 })));
  }, 60_000);
});

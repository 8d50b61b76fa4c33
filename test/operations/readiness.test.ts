import pino from 'pino';
import { loadConfig } from '../../src/adapters/config/config';
import { createPostgresEventStore } from '../../src/adapters/eventStore/postgres/postgresEventStore';
import { createSqlEventHistory } from '../../src/adapters/eventStore/postgres/sqlEventHistory';
import { startService } from '../../src/adapters/service';
import { Client } from 'pg';
import { postgresUrl, sqlTargets } from '../support/databases';
import { eventually, startTestService, type TestService } from '../support/testService';
import { parseMetrics, valueOf } from './promText';

interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
}

const readyz = async (url: string): Promise<{ status: number; body: Readiness }> => {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness };
};
const failing = (body: Readiness) => body.checks.filter((c) => !c.ok).map((c) => c.name);

describe.each(sqlTargets)('GET /readyz (%s)', (_name, openDb) => {
  describe('with one database for events and read model', () => {
    let t: TestService;
    beforeAll(async () => {
      t = await startTestService(openDb, { env: { PROJECTION_LAG_LIMIT_MS: '1500' } });
    });
    afterAll(() => t.stop());

    it('is ready when the event store and read model answer and the projection keeps up', async () => {
      await t.service.stores.eventStore.appendToStream('ops-readyz-1', [{ type: 'OpsProbe', schemaVersion: 1, data: {}, metadata: { occurredAt: new Date().toISOString() } }]);
      const { status, body } = await eventually(async () => {
        const answer = await readyz(t.url);
        return answer.status === 200 && answer;
      });
      expect(status).toBe(200);
      expect(body).toEqual({
        status: 'ready',
        checks: [
          { name: 'event_store', ok: true },
          { name: 'read_model', ok: true },
          { name: 'projection:appointments', ok: true, parked: 0 },
        ],
      });
    });

    it('is not ready (503, naming the projection) once the oldest unapplied event is older than PROJECTION_LAG_LIMIT_MS', async () => {
      await t.service.projections[0]!.stop(); // the projection stalls
      await t.service.stores.eventStore.appendToStream('ops-readyz-2', [{ type: 'OpsProbe', schemaVersion: 1, data: {}, metadata: { occurredAt: new Date().toISOString() } }]);
      expect((await readyz(t.url)).status).toBe(200); // just appended: younger than the bound (1.5 s: wide enough that a loaded host's slow answer stays inside it)

      await new Promise((resolve) => setTimeout(resolve, 1700));
      const { status, body } = await readyz(t.url);
      expect(status).toBe(503);
      expect(body.status).toBe('not_ready');
      expect(failing(body)).toEqual(['projection:appointments']);
      expect(body.checks.find((c) => c.name === 'projection:appointments')!.detail).toMatch(/oldest unapplied event is \d+\.\d s old \(limit 1\.5 s\)/);

      const lag = valueOf(parseMetrics((await t.get('/metrics', { token: null })).text), 'booking_ledger_projection_lag_seconds', { projection: 'appointments' });
      expect(lag).toBeGreaterThan(1.5);
      expect(lag).toBeLessThan(30);
    });
  });

  if (_name === 'PostgreSQL') {
    it('says what holds the global order back: a write transaction left open anywhere on the server (pid, age)', async () => {
      const t = await startTestService(openDb, { env: { PROJECTION_LAG_LIMIT_MS: '300' } });
      const stuck = new Client({ connectionString: postgresUrl });
      try {
        await stuck.connect();
        await stuck.query('BEGIN');
        const { rows } = await stuck.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, txid_current()');
        // Held open only just past the bound: while it is open, every projection on the server is held back.
        await new Promise((resolve) => setTimeout(resolve, 450));
        const { status, body } = await readyz(t.url);
        expect(status).toBe(503);
        const detail = body.checks.find((c) => c.name === 'projection:appointments')!.detail ?? '';
        expect(detail).toMatch(new RegExp(`held back by a transaction open \\d+\\.\\d s \\(pid ${rows[0]!.pid}, idle in transaction\\)`));
        const held = valueOf(parseMetrics((await t.get('/metrics', { token: null })).text), 'booking_ledger_oldest_write_transaction_seconds');
        expect(held).toBeGreaterThan(0.3);
        await stuck.query('COMMIT');
        await eventually(async () => (await readyz(t.url)).status === 200);
      } finally {
        await stuck.end().catch(() => undefined);
        await t.stop();
      }
    });
  }

  it('is not ready (503, naming the read model, and only that) when the read-model database goes away', async () => {
    const eventsDb = await openDb();
    const real = await openDb();
    let down = false;
    // The database server going away: every query fails as pg reports it (host and port in the text).
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' }));
    const readModelDb = {
      ...real,
      query: ((text: string, params?: unknown[]) => (down ? refused() : real.query(text, params))) as typeof real.query,
      transaction: ((work: Parameters<typeof real.transaction>[0]) => (down ? refused() : real.transaction(work))) as typeof real.transaction,
      close: async () => {
        down = true;
        await real.close();
      },
    };
    const eventStore = await createPostgresEventStore(eventsDb, { pollIntervalMs: 20 });
    const service = await startService({
      config: loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent' }),
      stores: { eventStore, readModel: readModelDb, history: createSqlEventHistory(eventsDb), close: async () => undefined },
      logger: pino({ level: 'silent' }),
    });
    try {
      await eventually(async () => (await readyz(service.url)).status === 200);
      await readModelDb.close();
      const { status, body } = await readyz(service.url);
      expect(status).toBe(503);
      expect(body.status).toBe('not_ready');
      expect(failing(body)).toEqual(['read_model', 'projection:appointments']);
      expect(body.checks.find((c) => c.name === 'event_store')).toEqual({ name: 'event_store', ok: true });
      // An open endpoint says which check failed, never the error text (hosts, ports, paths).
      expect(body.checks.find((c) => c.name === 'read_model')!.detail).toBe('check failed (see the service log)');
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5499/);
    } finally {
      await service.stop();
      await eventStore.close();
      await eventsDb.close();
    }
  });
});

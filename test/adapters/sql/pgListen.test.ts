import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Client } from 'pg';
import { openPgDatabase } from '../../../src/adapters/sql/pgDatabase';
import { postgresUrl } from '../../support/databases';

/** Sessions on the server whose last statement was LISTEN on `channel`. */
const listening = async (admin: Client, channel: string) =>
  (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1`, [`LISTEN ${channel}`])).rows[0]!.n;

/** A backend ends a moment after its client closed the socket: polls up to 5 s. */
const eventually = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
};

(postgresUrl ? describe : describe.skip)('LISTEN connections of a PostgreSQL database (pg)', () => {
  const admin = new Client({ connectionString: postgresUrl });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  it('given a listener nobody stopped, when the database is closed, then its connection is closed too (a test file or a shutdown leaves no socket behind)', async () => {
    const channel = `bl_listen_test_${process.pid}_${Date.now()}`;
    const db = await openPgDatabase(postgresUrl!);
    const payloads: string[] = [];
    await db.listen!(channel, (payload) => payloads.push(payload));
    expect(await listening(admin, channel)).toBe(1);
    await db.query('SELECT pg_notify($1, $2)', [channel, 'hello']);
    expect(await eventually(async () => payloads.length === 1)).toBe(true);

    await db.close();
    expect(await eventually(async () => (await listening(admin, channel)) === 0)).toBe(true);
  });

  it('given a listener its user stopped, when the database is closed, then closing does not stop it again', async () => {
    const channel = `bl_listen_test_${process.pid}_${Date.now()}_b`;
    const db = await openPgDatabase(postgresUrl!);
    const stop = await db.listen!(channel, () => undefined);
    await stop();
    expect(await eventually(async () => (await listening(admin, channel)) === 0)).toBe(true);
    await expect(db.close()).resolves.toBeUndefined();
  });
});

/**
 * A TCP stand-in for the server: forwards to PostgreSQL, or, once `hold()` is called, accepts connections
 * and never answers (a server that hangs while a listener reconnects). `held` counts the hanging sockets still open.
 */
const holdingProxy = async (target: URL) => {
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  let holding = false;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket) && held.delete(socket));
    socket.on('error', () => undefined);
    // Reads and never answers: its side closes only when the client closes the connection.
    if (holding) return void held.add(socket.resume());
    const upstream = connect(Number(target.port || 5432), target.hostname);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    held: () => held.size,
    /** From now on connections hang; the ones already forwarded are cut (the listener sees its server go). */
    hold: () => {
      holding = true;
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};

(postgresUrl ? describe : describe.skip)('closing a PostgreSQL database while a LISTEN connection is on its way', () => {
  const admin = new Client({ connectionString: postgresUrl });
  beforeAll(() => admin.connect());
  afterAll(() => admin.end());

  it('given a listen still connecting, when the database is closed, then that connection does not stay open after it (and a later listen is refused clearly)', async () => {
    const channel = `bl_listen_test_${process.pid}_${Date.now()}_c`;
    const db = await openPgDatabase(postgresUrl!);

    const listening$ = db.listen!(channel, () => undefined);
    await db.close();
    await listening$;

    expect(await eventually(async () => (await listening(admin, channel)) === 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await listening(admin, channel)).toBe(0);
    await expect(db.listen!(channel, () => undefined)).rejects.toThrow(/database is closed/);
  });

  it('given a listener reconnecting to a server that hangs, when the database is closed, then the hanging attempt is ended too (nothing holds the process open)', async () => {
    const proxy = await holdingProxy(new URL(postgresUrl!));
    try {
      const channel = `bl_listen_test_${process.pid}_${Date.now()}_d`;
      const db = await openPgDatabase(proxy.url);
      await db.listen!(channel, () => undefined);
      expect(await listening(admin, channel)).toBe(1);

      proxy.hold();
      // The listener retries a second after losing its server; that attempt now hangs in the proxy.
      expect(await eventually(async () => proxy.held() === 1)).toBe(true);
      await db.close();

      expect(await eventually(async () => proxy.held() === 0)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

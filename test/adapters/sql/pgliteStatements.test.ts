import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase } from '../../../src/application/ports/sql';
import { openMemoryPglite } from '../../support/databases';
import { pgliteTemplate } from '../../support/pgliteTemplate';

/**
 * The PGlite adapter sends each statement as one protocol message on a named prepared statement
 * (pgliteOneMessageQuery.ts) instead of `PGlite.query`. What it answers must be what `PGlite.query`
 * answers, and what PGlite's locks guarantee must still hold.
 */
describe('statements on the PGlite adapter', () => {
  let db: SqlDatabase;
  let plain: PGlite;

  beforeAll(async () => {
    [db, plain] = await Promise.all([openMemoryPglite(), PGlite.create({ loadDataDir: pgliteTemplate() })]);
    const table = 'CREATE TABLE t_values (id bigserial PRIMARY KEY, name text UNIQUE, data jsonb, at timestamptz, flags text[], ok boolean, n numeric)';
    await Promise.all([db.exec(table), plain.exec(table)]);
  });
  afterAll(async () => {
    await Promise.all([db?.close(), plain?.close()]);
  });

  const preparedCount = async (): Promise<number> =>
    Number((await db.query<{ n: string | number }>('SELECT count(*) AS n FROM pg_prepared_statements')).rows[0]!.n);

  it('given values of every kind the service sends, when written and read back, then the rows are those PGlite.query gives', async () => {
    const insert = 'INSERT INTO t_values (name, data, at, flags, ok, n) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *';
    const rows: Array<[string, unknown[]]> = [
      [insert, ['a', { nested: { x: 1 }, list: [1, 'two'] }, new Date('2026-12-04T10:00:00.123Z'), ['x', 'y "quoted"'], true, 12.5]],
      [insert, ['b', JSON.stringify({ as: 'text' }), '2026-12-04T11:00:00+01:00', [], false, '7']],
      [insert, ['c', null, null, null, null, null]],
      ['SELECT id, name, data, at, flags, ok, n, now() > at AS past FROM t_values WHERE name = ANY($1) ORDER BY id', [['a', 'b', 'c']]],
      ['SELECT $1::int8 AS big, $2::int4 AS small, $3::text AS words', ['9007199254740993', 42, 'hello']],
    ];
    for (const [text, params] of rows) {
      const ours = await db.query(text, params);
      const theirs = await plain.query(text, params);
      expect(ours.rows).toEqual(theirs.rows);
    }
  });

  it('given a statement that fails, when it is run, then the error carries PostgreSQL’s SQLSTATE and message, and the next statement runs', async () => {
    await db.query('INSERT INTO t_values (name) VALUES ($1)', ['dup']);
    await expect(db.query('INSERT INTO t_values (name) VALUES ($1)', ['dup'])).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('t_values_name_key') });
    await expect(db.query('SELECT * FROM no_such_table WHERE id = $1', [1])).rejects.toMatchObject({ code: '42P01' });
    await expect(db.query('SELECT $1::int AS one', [1])).resolves.toEqual({ rows: [{ one: 1 }] });
  });

  it('given one text run many times, when counted on the server, then it was prepared once', async () => {
    const before = await preparedCount();
    for (let i = 0; i < 5; i += 1) await db.query('SELECT $1::int + 1 AS next', [i]);
    expect(await preparedCount()).toBe(before + 1); // the text above (the count was prepared by the first count)
  });

  it('given prepared statements, when a script changes a table they read, then they answer in its new shape', async () => {
    await db.query('SELECT * FROM t_values WHERE name = $1', ['a']);
    await db.exec('ALTER TABLE t_values ADD COLUMN extra text');
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM t_values WHERE name = $1', ['a']);
    expect(rows[0]).toHaveProperty('extra', null);
  });

  it('given statements closed behind the adapter’s back (DEALLOCATE, DDL outside a script), when run again, then they are prepared again and answer', async () => {
    await db.query('SELECT name FROM t_values WHERE name = $1', ['a']);
    await db.query('DEALLOCATE ALL');
    await expect(db.query('SELECT name FROM t_values WHERE name = $1', ['a'])).resolves.toEqual({ rows: [{ name: 'a' }] });

    await db.query('SELECT * FROM t_values WHERE name = $1', ['a']);
    await db.query('ALTER TABLE t_values ADD COLUMN later int');
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM t_values WHERE name = $1', ['a']);
    expect(rows[0]).toHaveProperty('later', null);
  });

  it('given more texts than it keeps prepared, when they are all run, then each answers and the oldest are closed', async () => {
    for (let i = 0; i < 520; i += 1) expect((await db.query<{ v: number }>(`SELECT $1::int + ${i} AS v`, [1])).rows).toEqual([{ v: 1 + i }]);
    expect(await preparedCount()).toBe(500);
  });

  it('given a transaction under way, when a statement outside it is sent meanwhile, then it waits for the transaction and never runs inside it', async () => {
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const rolledBack = db
      .transaction(async (tx) => {
        await tx.query('INSERT INTO t_values (name) VALUES ($1)', ['uncommitted']);
        inside();
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('roll it back');
      })
      .catch((error: Error) => error.message);
    await started;
    const outside = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_values WHERE name = $1', ['uncommitted']);

    expect(await rolledBack).toBe('roll it back');
    expect(outside.rows).toEqual([{ n: 0 }]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_values WHERE name = $1', ['uncommitted'])).rows).toEqual([{ n: 0 }]);
  });

  it('given a transaction that has ended, when a statement is sent on it, then it is refused and runs nowhere', async () => {
    let kept!: Parameters<Parameters<SqlDatabase['transaction']>[0]>[0];
    await db.transaction(async (tx) => {
      kept = tx;
    });

    await expect(kept.query('INSERT INTO t_values (name) VALUES ($1)', ['late'])).rejects.toThrow('Transaction is closed');
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_values WHERE name = $1', ['late'])).rows).toEqual([{ n: 0 }]);
  });
});

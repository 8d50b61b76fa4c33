import { createAppendBatcher, type StreamAppendPayload } from '../../src/adapters/eventStore/postgres/appendBatcher';
import { encodePgPosition } from '../../src/adapters/eventStore/postgres/positions';
import type { SqlExecutor } from '../../src/application/ports/sql';

/**
 * The batcher's own decisions, with a scripted executor: what a deadlock inside a batch or a failed batch
 * statement does to each waiting append (the SQL itself runs on both stores in postgres.appendBatch.test.ts).
 */
/** Where a lone append of stream sN (see scripted) says its event went. */
const aloneAt = (stream: string) => encodePgPosition('7', stream.slice(1));
const unit = (stream: string): StreamAppendPayload[] => [{ stream, expected: 'any', version: 0, events: [{ type: 'Tested' }] }];
const ok = (ord: number) => ({ unit_ord: ord, unit_next_version: '1', unit_last_position: `p${ord}`, unit_error_code: null, unit_error_message: null, unit_error_detail: null, unit_error_hint: null });
const failed = (ord: number, code: string) => ({ ...ok(ord), unit_next_version: null, unit_last_position: null, unit_error_code: code, unit_error_message: `failed ${code}` });

/** An executor that answers bl_append_batch with `batchAnswer` and a lone append with one row; the first call waits for `release`. */
const scripted = (batchAnswer: () => Promise<unknown[]>) => {
  const sent: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const db: SqlExecutor = {
    query: async <Row>(text: string, params?: unknown[]) => {
      const batch = text.includes('bl_append_batch');
      sent.push(batch ? `batch of ${(JSON.parse(String(params?.[0])) as unknown[]).length}` : `alone ${String(params?.[0])}`);
      if (sent.length === 1) await held;
      // A lone append's statement (plainStatementAppend.ts) answers its event's row; stream sN's event got global position N.
      const rows = batch ? await batchAnswer() : [{ stream_id: String(params?.[0]), version: '1', txid: '7', gpos: String(params?.[0]).slice(1) }];
      return { rows: rows as Row[] };
    },
  };
  return { db, sent, release };
};

describe('append batcher', () => {
  it('given a deadlock that hit one append of a batch, then that append runs again alone and the others keep their results', async () => {
    const { db, sent, release } = scripted(async () => [ok(1), failed(2, '40P01'), ok(3)]);
    const batcher = createAppendBatcher(db, { maxInFlight: 1, maxBatch: 32, loneAppend: 'statement' });
    const first = batcher.append(unit('s0'));
    const waiting = [batcher.append(unit('s1')), batcher.append(unit('s2')), batcher.append(unit('s3'))];
    release();
    await first;
    expect(await Promise.all(waiting)).toEqual([[{ next_version: '1', last_position: 'p1' }], [{ next_version: '1', last_position: aloneAt('s2') }], [{ next_version: '1', last_position: 'p3' }]]);
    expect(sent).toEqual(['alone s0', 'batch of 3', 'alone s2']);
  });

  it('given an append of a batch that failed otherwise, then only it fails, with the SQLSTATE, detail and hint of its error', async () => {
    const { db, release } = scripted(async () => [ok(1), { ...failed(2, 'BL409'), unit_error_detail: '3', unit_error_hint: 's2' }]);
    const batcher = createAppendBatcher(db, { maxInFlight: 1, maxBatch: 32, loneAppend: 'statement' });
    const first = batcher.append(unit('s0'));
    const waiting = [batcher.append(unit('s1')), batcher.append(unit('s2'))];
    release();
    await first;
    const [one, two] = await Promise.allSettled(waiting);
    expect(one).toMatchObject({ status: 'fulfilled' });
    expect(two).toMatchObject({ status: 'rejected', reason: { code: 'BL409', detail: '3', hint: 's2', message: 'failed BL409' } });
  });

  it('given a batch statement that failed for one of its appends (a SQLSTATE, not a lost connection), then each runs again alone', async () => {
    const { db, sent, release } = scripted(async () => {
      throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    });
    const batcher = createAppendBatcher(db, { maxInFlight: 1, maxBatch: 32, loneAppend: 'statement' });
    const first = batcher.append(unit('s0'));
    const waiting = [batcher.append(unit('s1')), batcher.append(unit('s2'))];
    release();
    await first;
    expect((await Promise.all(waiting)).map((rows) => rows[0]!.last_position)).toEqual([aloneAt('s1'), aloneAt('s2')]);
    expect(sent).toEqual(['alone s0', 'batch of 2', 'alone s1', 'alone s2']);
  });

  it('refuses a limit below 1, which would never send anything', () => {
    expect(() => createAppendBatcher({ query: async () => ({ rows: [] }) }, { maxInFlight: 0, maxBatch: 32 })).toThrow('at least 1');
  });

  it('given a batch statement that failed as a whole (the connection went away), then every append in it fails with that error, and later appends still run', async () => {
    let calls = 0;
    const { db, sent, release } = scripted(async () => {
      calls += 1;
      if (calls === 1) throw new Error('Connection terminated unexpectedly');
      return [ok(1), ok(2)];
    });
    const batcher = createAppendBatcher(db, { maxInFlight: 1, maxBatch: 2, loneAppend: 'statement' });
    const first = batcher.append(unit('s0'));
    const lost = [batcher.append(unit('s1')), batcher.append(unit('s2'))];
    const later = [batcher.append(unit('s3')), batcher.append(unit('s4'))];
    release();
    await first;
    expect((await Promise.allSettled(lost)).map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['Connection terminated unexpectedly', 'Connection terminated unexpectedly']);
    expect((await Promise.all(later)).map((rows) => rows[0]!.last_position)).toEqual(['p1', 'p2']);
    expect(sent).toEqual(['alone s0', 'batch of 2', 'batch of 2']);
  });
});

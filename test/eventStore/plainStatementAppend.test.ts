import { appendInOneStatement } from '../../src/adapters/eventStore/postgres/plainStatementAppend';
import type { StreamAppendPayload } from '../../src/adapters/eventStore/postgres/appendBatcher';
import type { SqlExecutor } from '../../src/application/ports/sql';

/**
 * When an append cannot be one plain statement (PGlite's default, src/adapters/eventStore/postgres/
 * plainStatementAppend.ts) it goes to the functions (`several`); the SQL itself runs on PGlite in the
 * conformance suite (test/eventStore/sql.conformance.test.ts).
 */
const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'Tested', schemaVersion: 1, data: { i }, metadata: {} }));
const unit = (...appends: Array<[string, number, (number | 'any')?]>): StreamAppendPayload[] =>
  appends.map(([stream, n, at = 'any']) => ({ stream, expected: at === 'any' ? 'any' : 'exact', version: at === 'any' ? 0 : at, events: events(n) }));

/** A database that records each statement's parameter count and answers a new stream's rows (a lone stream at any version: $1 stream, $2 count). */
const recording = () => {
  const sent: number[] = [];
  const db: SqlExecutor = {
    query: async <Row>(_text: string, params: unknown[] = []) => {
      sent.push(params.length);
      const count = Number(params[1]);
      return { rows: Array.from({ length: count }, (_, i) => ({ stream_id: String(params[0]), version: String(i + 1), gpos: String(i + 1), txid: '7' })) as Row[] };
    },
  };
  return { db, sent };
};
const byFunction = jest.fn(async () => [{ next_version: '9', last_position: 'by function' }]);
beforeEach(() => byFunction.mockClear());

describe('an append as one plain statement', () => {
  it('given a unit that appends to one stream twice, the second at any version, when appended, then it is one statement and each append gets its own result', async () => {
    const { db, sent } = recording();
    const results = await appendInOneStatement(db, unit(['a', 2], ['a', 1]), byFunction);
    expect(results.map((r) => r.next_version)).toEqual(['2', '3']);
    expect([sent.length, byFunction.mock.calls.length]).toEqual([1, 0]);
  });

  it('given a second append to a stream at a version its first does not leave, when appended, then the functions decide it', async () => {
    const { db, sent } = recording();
    await appendInOneStatement(db, unit(['a', 1, 3], ['b', 1], ['a', 1, 3]), byFunction);
    await appendInOneStatement(db, unit(['a', 1], ['a', 1, 1]), byFunction); // (at any version: which version it leaves is not known before)
    expect([sent, byFunction.mock.calls.length]).toEqual([[], 2]);
  });

  it('given more events than one statement has parameters for, when appended, then the functions write them', async () => {
    const { db, sent } = recording();
    await appendInOneStatement(db, unit(['a', 13_107]), byFunction); // 2 + 5 × 13,107 = 65,537 parameters
    expect([sent, byFunction.mock.calls.length]).toEqual([[], 1]);
  });

  it('given as many events as the parameters allow, when appended, then it is one statement', async () => {
    const { db, sent } = recording();
    await appendInOneStatement(db, unit(['a', 13_106]), byFunction); // 65,532 parameters
    expect([sent, byFunction.mock.calls.length]).toEqual([[65_532], 0]); // (at any version: no version parameter)
  });
});

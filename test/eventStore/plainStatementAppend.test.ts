import { appendInOneStatement } from '../../src/adapters/eventStore/postgres/plainStatementAppend';
import type { StreamAppendPayload } from '../../src/adapters/eventStore/postgres/appendBatcher';
import type { SqlExecutor } from '../../src/application/ports/sql';

/**
 * When an append cannot be one plain statement (PGlite's default, src/adapters/eventStore/postgres/
 * plainStatementAppend.ts) it goes to the functions (`several`); the SQL itself runs on PGlite in the
 * conformance suite (test/eventStore/sql.conformance.test.ts).
 */
const events = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'Tested', schemaVersion: 1, data: { i }, metadata: {} }));
const unit = (...streams: Array<[string, number]>): StreamAppendPayload[] => streams.map(([stream, n]) => ({ stream, expected: 'any', version: 0, events: events(n) }));

const recording = () => {
  const sent: number[] = [];
  const db: SqlExecutor = {
    query: async <Row>(_text: string, params?: unknown[]) => {
      sent.push(params?.length ?? 0);
      return { rows: [{ stream_id: String(params?.[0]), version: '1', gpos: '1', txid: '1' }] as Row[] };
    },
  };
  return { db, sent };
};
const byFunction = jest.fn(async () => [{ next_version: '9', last_position: 'by function' }]);
beforeEach(() => byFunction.mockClear());

describe('an append as one plain statement', () => {
  it('given a unit that names one stream twice, when appended, then the functions write it', async () => {
    const { db, sent } = recording();
    expect(await appendInOneStatement(db, unit(['a', 1], ['b', 1], ['a', 1]), byFunction)).toEqual([{ next_version: '9', last_position: 'by function' }]);
    expect([sent, byFunction.mock.calls.length]).toEqual([[], 1]);
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

import { encodePgPosition } from '../../src/adapters/eventStore/postgres/positions';
import { describeHoldBack, oldestWriteTransaction } from '../../src/adapters/eventStore/postgres/oldestWriteTransaction';
import type { EventStore } from '../../src/application/ports/eventStore';
import type { SqlExecutor } from '../../src/application/ports/sql';

/**
 * Waits until readers of the global order see every committed event. On the shared PostgreSQL another
 * test file's open write transaction holds them back (pg_snapshot_xmin), and a projection run to the
 * visible head would stop short; past `timeoutMs` this fails saying which transaction held them.
 */
export const everythingVisible = async (db: SqlExecutor, store: EventStore, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Aliased: ORDER BY a text output column named transaction_id would sort '999' after '1001'.
    const { rows } = await db.query<{ txid: string; gpos: string }>(
      'SELECT transaction_id::text AS txid, global_position::text AS gpos FROM bl_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
    );
    const committed = rows[0] && encodePgPosition(rows[0].txid, rows[0].gpos);
    const visible = await store.headPosition();
    if (committed === undefined || visible === committed) return;
    if (Date.now() >= deadline) {
      const holder = await oldestWriteTransaction(db);
      throw new Error(`Events committed up to ${committed} are not visible to readers (head ${visible ?? 'none'}): ${holder ? describeHoldBack(holder) : 'no open write transaction found'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

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
    const { rows } = await db.query<{ position: string }>(
      `SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0') AS position
         FROM bl_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    const committed = rows[0]?.position;
    const visible = await store.headPosition();
    if (committed === undefined || visible === committed) return;
    if (Date.now() >= deadline) {
      const holder = await oldestWriteTransaction(db);
      throw new Error(`Events committed up to ${committed} are not visible to readers (head ${visible ?? 'none'}): ${holder ? describeHoldBack(holder) : 'no open write transaction found'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

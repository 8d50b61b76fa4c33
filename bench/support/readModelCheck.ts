import type { ChildDb } from '../http';
import { sleep } from './stats';

/** Waits (at most `timeoutMs`) until the appointments projection holds a row for every call; counts them and the confirmed ones. */
export const projectedBookings = async (db: ChildDb, callIds: string[], timeoutMs = 15_000) => {
  const list = callIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
  const started = Date.now();
  for (;;) {
    const [row] = await db.query<{ rows: number; confirmed: number }>(
      `SELECT count(*)::int AS rows, count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed FROM bl_appointments WHERE call_id IN (${list})`,
    );
    if ((row!.rows === callIds.length && row!.confirmed === callIds.length) || Date.now() - started > timeoutMs) return { ...row!, waitedMs: Date.now() - started };
    await sleep(200);
  }
};

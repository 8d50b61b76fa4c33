import type { SqlExecutor } from '../../../application/ports/sql';
import { appendInOneStatement } from './plainStatementAppend';

/** One stream's part of an append, as bl_append_many and bl_append_batch take it. */
export interface StreamAppendPayload {
  stream: string;
  expected: string;
  version: number;
  events: unknown[];
}
/** What each stream of a unit got: its next version and the position of its last event. */
export type AppendRow = { next_version: string; last_position: string };

interface Pending {
  unit: StreamAppendPayload[];
  resolve: (rows: AppendRow[]) => void;
  reject: (error: unknown) => void;
}
type BatchRow = { unit_ord: number; unit_next_version: string | null; unit_last_position: string | null; unit_error_code: string | null; unit_error_message: string | null; unit_error_detail: string | null; unit_error_hint: string | null };

/** The connection went away (no SQLSTATE, or class 08 / 57P: admin shutdown, crash, cannot connect now). */
const isConnectionFailure = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code !== 'string' || /^(08|57P)/.test(code);
};

/** A unit's error from bl_append_batch, shaped as the pg driver's (code = SQLSTATE, detail, hint). */
const unitError = (row: BatchRow) => Object.assign(new Error(row.unit_error_message ?? 'append failed'), { code: row.unit_error_code ?? undefined, detail: row.unit_error_detail ?? undefined, hint: row.unit_error_hint ?? undefined });

/**
 * How an append that is not batched is sent: `function`, bl_append or bl_append_many (plpgsql, whose plans
 * the server caches per session, and which lock the streams of a multi-stream append in one order);
 * `statement`, one plain statement (plainStatementAppend.ts), for a database with one connection only: faster
 * where plpgsql is slow (PGlite's WebAssembly), and on PostgreSQL through `pg` slower (parsed and planned each
 * time) and without the locks: quick appends pairs in BENCHMARKS.md ("What was optimised", 2026-12-06).
 */
export type LoneAppend = 'function' | 'statement';

/**
 * Group commit for appends: at most `maxInFlight` append statements at a time; appends that arrive while
 * that many are running wait and go together, up to `maxBatch` in one bl_append_batch statement (one
 * transaction, one commit), each still all or none on its own and failing on its own. Alone, an append
 * runs as before (bl_append, bl_append_many for several streams, or one plain statement: see LoneAppend), so a quiet service waits for nothing.
 * A unit that a deadlock or serialization failure (SQLSTATE class 40) hit inside a batch runs again alone;
 * a batch statement that failed otherwise than by losing its connection runs again one append at a time.
 */
export const createAppendBatcher = (
  db: SqlExecutor,
  { maxInFlight, maxBatch, loneAppend = 'function' }: { maxInFlight: number; maxBatch: number; loneAppend?: LoneAppend },
) => {
  if (!(maxInFlight >= 1) || !(maxBatch >= 1)) throw new Error(`append batcher: maxInFlight and maxBatch must be at least 1 (got ${maxInFlight}, ${maxBatch})`);
  const queue: Pending[] = [];
  let inFlight = 0;

  const byFunction = async (unit: StreamAppendPayload[]): Promise<AppendRow[]> => {
    if (unit.length === 1) {
      const { stream, expected, version, events } = unit[0]!;
      return (await db.query<AppendRow>('SELECT next_version::text, last_position FROM bl_append($1, $2, $3, $4::jsonb)', [stream, expected, version, JSON.stringify(events)])).rows;
    }
    return (
      await db.query<AppendRow>(
        'SELECT append_next_version::text AS next_version, append_last_position AS last_position FROM bl_append_many($1::jsonb) ORDER BY append_ord',
        [JSON.stringify(unit)],
      )
    ).rows;
  };
  const alone = (unit: StreamAppendPayload[]): Promise<AppendRow[]> =>
    loneAppend === 'statement' ? appendInOneStatement(db, unit, () => byFunction(unit)) : byFunction(unit);

  /** Each append of the batch on its own, in order (after a statement that failed for one of them). */
  const oneByOne = async (batch: Pending[]): Promise<void> => {
    for (const pending of batch) await alone(pending.unit).then(pending.resolve, pending.reject);
  };

  const together = async (batch: Pending[]): Promise<void> => {
    let parameter: string;
    try {
      parameter = JSON.stringify(batch.map((p) => p.unit));
    } catch {
      return oneByOne(batch); // data JSON cannot carry (a BigInt): only its own append fails
    }
    let rows: BatchRow[];
    try {
      rows = (
        await db.query<BatchRow>(
          'SELECT unit_ord, unit_next_version::text, unit_last_position, unit_error_code, unit_error_message, unit_error_detail, unit_error_hint FROM bl_append_batch($1::jsonb)',
          [parameter],
        )
      ).rows;
    } catch (error) {
      // Lost connection: every append of it failed as it would have alone. Anything else (one event the
      // parameter's jsonb refused, a statement timeout): each runs alone, so only the append it belongs to fails.
      if (isConnectionFailure(error)) return batch.forEach((pending) => pending.reject(error));
      return oneByOne(batch);
    }
    const retries: Pending[] = [];
    batch.forEach((pending, index) => {
      const own = rows.filter((row) => row.unit_ord === index + 1);
      if (own.length === 0) return pending.reject(new Error(`bl_append_batch returned no row for append ${index + 1} of ${batch.length}`));
      const failed = own.find((row) => row.unit_error_code !== null);
      if (!failed) return pending.resolve(own.map((row) => ({ next_version: row.unit_next_version!, last_position: row.unit_last_position! })));
      if (failed.unit_error_code!.startsWith('40')) return void retries.push(pending);
      pending.reject(unitError(failed));
    });
    await oneByOne(retries); // within this statement's turn, so the limit on statements at a time holds
  };

  const pump = (): void => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      const sent =
        batch.length === 1
          ? alone(batch[0]!.unit).then(batch[0]!.resolve, batch[0]!.reject)
          : together(batch);
      void sent.finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  return {
    /** Appends one unit (one or more streams, all or none); resolves with a row per stream, in order. */
    append: (unit: StreamAppendPayload[]): Promise<AppendRow[]> =>
      new Promise<AppendRow[]>((resolve, reject) => {
        queue.push({ unit, resolve, reject });
        pump();
      }),
  };
};

import type { SqlExecutor } from '../../../application/ports/sql';

const CHUNK = 500;

/**
 * Tells other processes on the same PostgreSQL which streams were appended to. The NOTIFYs go out
 * after the appends committed, in their own statement, many at once: a NOTIFY inside an append would
 * hold PostgreSQL's database-wide notification lock through that append's commit and WAL flush, so
 * appends would commit one at a time. The statement's commit does not wait for the disk (a lost
 * notification costs only a slow-poll delay), and a failure is dropped for the same reason. (Starting a
 * flush only after setImmediate, to gather more appends into it, made bench 3's paced p99 on PostgreSQL
 * ~10 ms worse, 2026-12-06: not kept.)
 */
export const createAppendNotifier = (db: SqlExecutor, channel: string) => {
  let pending: string[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (pending.length > 0) {
      const payloads = [...new Set(pending)];
      pending = [];
      for (let i = 0; i < payloads.length; i += CHUNK) {
        await db
          .query(`SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL`, [channel, payloads.slice(i, i + CHUNK)])
          .catch(() => undefined);
      }
    }
    flushing = undefined;
  };
  return {
    /** Queues one notification; those queued while a flush is under way go out together in the next. */
    notify: (payload: string): void => {
      pending.push(payload);
      flushing ??= Promise.resolve().then(flush);
    },
    /** Waits until everything queued has been sent. */
    drain: async (): Promise<void> => {
      while (flushing) await flushing;
    },
  };
};

/**
 * `<store id>:<version> <stream id>`: the stream id last, as it may hold anything. An older instance's
 * `<store id> <stream id>` still parses (version unknown), and an older instance reading this one's
 * takes everything after the first space as the stream id, as it always did.
 */
export const appendedPayload = (storeId: string, streamId: string, version: number): string => `${storeId}:${version} ${streamId}`;

export const parseAppendedPayload = (payload: string): { sender: string; streamId: string; version?: number } => {
  const space = payload.indexOf(' ');
  if (space < 0) return { sender: '', streamId: payload };
  const head = payload.slice(0, space);
  const [sender = '', version] = head.split(':');
  const parsed = version !== undefined && /^[0-9]{1,15}$/.test(version) ? Number(version) : undefined;
  return { sender, streamId: payload.slice(space + 1), ...(parsed !== undefined && { version: parsed }) };
};

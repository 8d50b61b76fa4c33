import { Client } from 'pg';
import { localPortsOf } from './processSockets';
import { sleep } from './stats';

/** Backends of the database; `leader`: it holds the projection's leader lock (the runner's pg_try_advisory_xact_lock(hashtext(schema || ':' || key))). */
const activitySql = `
SELECT a.client_port, a.state, coalesce(a.wait_event_type || ':' || a.wait_event, 'on CPU') AS wait, left(a.query, 200) AS query,
  EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = ((hashtext($1)::bigint >> 32) & 4294967295)::oid AND l.objid = (hashtext($1)::bigint & 4294967295)::oid) AS leader
FROM pg_stat_activity a
WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()`;

/** Which of the service's statements a backend runs, by the tables it names (enough to tell them apart). */
const statementOf = (query: string): string => {
  const q = query.replace(/\s+/g, ' ');
  if (/bl_append\(/.test(q)) return 'append';
  if (/bl_append_many\(/.test(q)) return 'multi-stream append';
  if (/bl_append_batch\(/.test(q)) return 'batched appends';
  if (/bl_rate_limits/.test(q)) return 'rate limiter';
  if (/bl_used_signatures/.test(q)) return 'used signature';
  if (/bl_leases/.test(q)) return 'lease';
  if (/FROM bl_events WHERE stream_id/.test(q)) return 'read stream';
  if (/FROM bl_events/.test(q)) return 'read all';
  if (/bl_appointments|bl_uid_touches|bl_calls|bl_audit_findings|bl_webhook_deliveries|bl_projection_checkpoints|pg_try_advisory_xact_lock/.test(q)) return 'projection';
  return q.slice(0, 40);
};

interface Sample {
  /** Our instances' backends: which instance (index into `pids`), state, what an active one waits on. */
  ours: Array<{ instance: number; state: string; wait: string; statement: string; leader: boolean }>;
  /** Backends of other processes on the same database holding the same leader lock (another schema's projection). */
  foreignLeaders: number;
  /** Lease rows (name → holder), when a schema was given. */
  leases: Array<{ name: string; holder: string }>;
}

export interface PgActivity {
  samples: number;
  /** Mean of our backends running a statement at a sample. */
  meanActive: number;
  /** Of those, what they were doing (share of active backend-samples, largest first). */
  waits: Array<[string, number]>;
  /** The same by wait and statement ("Lock:object in append"). */
  waitsByStatement: Array<[string, number]>;
  meanIdleInTransaction: number;
  /** The most of our instances' backends that held the leader lock at one sample (at most 1, it is exclusive). */
  mostLeadersAtOnce: number;
  /** Which instances held it in at least one sample. */
  leaderInstances: number[];
  samplesWithLeader: number;
  samplesWithForeignLeader: number;
  /** Lease name → the distinct holders seen. */
  leaseHolders: Map<string, Set<string>>;
}

/**
 * Samples pg_stat_activity and pg_locks every `everyMs` on a connection of its own, keeping the
 * backends that serve the processes `pids` (matched by `client_port` against their sockets in /proc),
 * and the lease table of `schema`, while recording (`start()` … `stop()`). `finish()` summarises.
 */
export const startPgSampler = async (options: { url: string; pids: number[]; schema?: string; leaderKey?: string; everyMs?: number }) => {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  const instanceOfPort = new Map<number, number>();
  // Ports looked up and found to be other processes' (their sessions stay theirs; forgotten every 2 s, as ports are reused).
  let foreign = new Set<number>();
  let foreignSince = performance.now();
  const refresh = () => options.pids.forEach((pid, i) => localPortsOf(pid).forEach((port) => instanceOfPort.set(port, i)));
  const lookUp = (ports: number[]) => {
    if (performance.now() - foreignSince > 2000) [foreign, foreignSince] = [new Set(), performance.now()];
    const unknown = ports.filter((port) => !instanceOfPort.has(port) && !foreign.has(port));
    if (unknown.length === 0) return;
    refresh();
    for (const port of unknown) if (!instanceOfPort.has(port)) foreign.add(port);
  };
  refresh();
  const samples: Sample[] = [];
  let stopped = false;
  let recording = false;
  let finished: Promise<PgActivity> | undefined;

  const sampleOnce = async (): Promise<Sample> => {
    // The runner's key is per schema: hashtext(<schema> || ':' || 'bl-projection:<name>').
    const key = `${options.schema ?? 'public'}:${options.leaderKey ?? 'bl-projection:appointments'}`;
    const { rows } = await client.query<{ client_port: number | null; state: string | null; wait: string; query: string | null; leader: boolean }>(activitySql, [key]);
    lookUp(rows.flatMap((r) => (r.client_port === null ? [] : [r.client_port])));
    const ours = rows.flatMap((r) => {
      const instance = r.client_port === null ? undefined : instanceOfPort.get(r.client_port);
      return instance === undefined ? [] : [{ instance, state: r.state ?? 'unknown', wait: r.wait, statement: statementOf(r.query ?? ''), leader: r.leader }];
    });
    const foreignLeaders = rows.filter((r) => r.leader && (r.client_port === null || !instanceOfPort.has(r.client_port))).length;
    const leases = options.schema
      ? await client.query<{ name: string; holder: string }>(`SELECT name, holder FROM ${options.schema}.bl_leases WHERE expires_at > now()`).then((r) => r.rows, () => [])
      : [];
    return { ours, foreignLeaders, leases };
  };

  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      if (recording) samples.push(await sampleOnce());
      await sleep(Math.max(0, (options.everyMs ?? 25) - (performance.now() - started)));
    }
  })();

  const summarise = async (): Promise<PgActivity> => {
    stopped = true;
    await loop;
    await client.end();
    const active = samples.flatMap((s) => s.ours.filter((b) => b.state === 'active'));
    const waits = new Map<string, number>();
    const byStatement = new Map<string, number>();
    for (const b of active) waits.set(b.wait, (waits.get(b.wait) ?? 0) + 1);
    for (const b of active) byStatement.set(`${b.wait} in ${b.statement}`, (byStatement.get(`${b.wait} in ${b.statement}`) ?? 0) + 1);
    const shares = (counts: Map<string, number>) => [...counts].map(([what, count]): [string, number] => [what, count / Math.max(1, active.length)]).sort((a, b) => b[1] - a[1]);
    const leaseHolders = new Map<string, Set<string>>();
    for (const lease of samples.flatMap((s) => s.leases)) leaseHolders.set(lease.name, (leaseHolders.get(lease.name) ?? new Set()).add(lease.holder));
    const n = Math.max(1, samples.length);
    return {
      samples: samples.length,
      meanActive: active.length / n,
      waits: shares(waits),
      waitsByStatement: shares(byStatement),
      meanIdleInTransaction: samples.reduce((sum, s) => sum + s.ours.filter((b) => b.state === 'idle in transaction').length, 0) / n,
      mostLeadersAtOnce: Math.max(0, ...samples.map((s) => s.ours.filter((b) => b.leader).length)),
      leaderInstances: [...new Set(samples.flatMap((s) => s.ours.filter((b) => b.leader).map((b) => b.instance)))].sort((x, y) => x - y),
      samplesWithLeader: samples.filter((s) => s.ours.some((b) => b.leader)).length,
      samplesWithForeignLeader: samples.filter((s) => s.foreignLeaders > 0).length,
      leaseHolders,
    };
  };

  return {
    /** Samples are taken only between start() and stop() (a BurstWatch). */
    start: () => void (recording = true),
    stop: () => void (recording = false),
    /** Ends the sampling (idempotent) and summarises it. */
    finish: (): Promise<PgActivity> => (finished ??= summarise()),
  };
};

const percentages = (shares: Array<[string, number]>, most: number) =>
  shares
    .slice(0, most)
    .map(([what, share]) => `${what} ${(share * 100).toFixed(0)} %`)
    .join(', ');

export const describeActivity = (a: PgActivity) =>
  `${a.samples} samples of pg_stat_activity: ${a.meanActive.toFixed(1)} of our backends active on average (${percentages(a.waits, 4)}; ` +
  `by statement: ${percentages(a.waitsByStatement, 6)}), ${a.meanIdleInTransaction.toFixed(1)} idle in transaction`;

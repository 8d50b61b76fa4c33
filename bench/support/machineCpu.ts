import { readFileSync, readdirSync } from 'node:fs';
import type { BurstWatch } from './burstRound';
import { procStat } from './procStat';

/** Busy and total jiffies of all cores together (/proc/stat: everything but idle and iowait is busy). */
const cores = (): { busy: number; total: number } => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
};

/** CPU seconds used so far by each process whose command is `postgres` (the server and all its backends, whoever they serve), by pid. */
const postgresCpu = (): Map<number, number> => {
  const seconds = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const { command, user, system } = procStat(pid);
      if (command === 'postgres') seconds.set(Number(pid), user + system);
    } catch {
      // the process ended meanwhile
    }
  }
  return seconds;
};

/**
 * PostgreSQL's CPU between a first sample and the last, per process: a backend that starts meanwhile counts
 * from zero, one that ends counts up to its last sample (sampled every 250 ms, so at most that much of a
 * dying backend is lost). A sum over the processes alive at each end would subtract what ended backends had used.
 */
const postgresUsage = () => {
  const first = postgresCpu();
  const last = new Map(first);
  const sample = () => {
    for (const [pid, used] of postgresCpu()) {
      // A pid used again by a new process starts below what the old one had used: count it from zero.
      if (used < (last.get(pid) ?? 0)) first.set(pid, 0);
      if (!first.has(pid)) first.set(pid, 0);
      last.set(pid, used);
    }
  };
  const timer = setInterval(sample, 250);
  timer.unref();
  return {
    stop: (): number => {
      clearInterval(timer);
      sample();
      let seconds = 0;
      for (const [pid, end] of last) seconds += end - (first.get(pid) ?? 0);
      return seconds;
    },
  };
};

const ownSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export interface MachineCpu {
  /** Busy share of all cores together. */
  busyShare: number;
  /** Core-seconds that passed (cores × wall time). */
  coreSeconds: number;
  /** CPU seconds of PostgreSQL's processes (sampled per process every 250 ms: a backend that ends loses at most its last 250 ms). */
  postgresSeconds: number;
  /** CPU seconds of this process (the load, the Cal.com stand-in, the round robin, the sampler). */
  benchSeconds: number;
}

/**
 * How busy the machine's cores were between each start() and stop(), and how much of that PostgreSQL
 * (unless `postgres: false`: then its processes are not sampled) and this process took.
 */
export const machineCpuWatch = ({ postgres = true }: { postgres?: boolean } = {}) => {
  const sum = { busy: 0, total: 0, pg: 0, own: 0 };
  let at = { cores: cores(), pg: undefined as ReturnType<typeof postgresUsage> | undefined, own: 0 };
  const watch: BurstWatch = {
    start: () => {
      at = { cores: cores(), pg: postgres ? postgresUsage() : undefined, own: ownSeconds() };
    },
    stop: () => {
      const now = cores();
      sum.busy += now.busy - at.cores.busy;
      sum.total += now.total - at.cores.total;
      sum.pg += at.pg?.stop() ?? 0;
      sum.own += ownSeconds() - at.own;
    },
  };
  const used = (): MachineCpu => ({ busyShare: sum.total > 0 ? sum.busy / sum.total : Number.NaN, coreSeconds: sum.total / 100, postgresSeconds: sum.pg, benchSeconds: sum.own });
  return { watch, used };
};

export const describeMachineCpu = (used: MachineCpu) =>
  `the machine's cores were ${(used.busyShare * 100).toFixed(0)} % busy meanwhile (${used.coreSeconds.toFixed(2)} core-seconds): PostgreSQL's processes used ${used.postgresSeconds.toFixed(2)} s, the bench process ${used.benchSeconds.toFixed(2)} s`;

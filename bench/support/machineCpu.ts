import { readFileSync, readdirSync } from 'node:fs';
import type { BurstWatch } from './burstRound';

/** Busy and total jiffies of all cores together (/proc/stat: everything but idle and iowait is busy). */
const cores = (): { busy: number; total: number } => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
};

/** CPU seconds used so far by every process whose command is `postgres` (the server and all its backends, whoever they serve). */
const postgresSeconds = (): number => {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100;
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
  /** CPU seconds of PostgreSQL's processes (backends that ended meanwhile are not counted: a lower bound). */
  postgresSeconds: number;
  /** CPU seconds of this process (the load, the Cal.com stand-in, the round robin, the sampler). */
  benchSeconds: number;
}

/** How busy the machine's cores were between each start() and stop(), and how much of that PostgreSQL and this process took. */
export const machineCpuWatch = () => {
  const sum = { busy: 0, total: 0, pg: 0, own: 0 };
  let at = { cores: cores(), pg: 0, own: 0 };
  const watch: BurstWatch = {
    start: () => {
      at = { cores: cores(), pg: postgresSeconds(), own: ownSeconds() };
    },
    stop: () => {
      const now = cores();
      sum.busy += now.busy - at.cores.busy;
      sum.total += now.total - at.cores.total;
      sum.pg += postgresSeconds() - at.pg;
      sum.own += ownSeconds() - at.own;
    },
  };
  const used = (): MachineCpu => ({ busyShare: sum.total > 0 ? sum.busy / sum.total : Number.NaN, coreSeconds: sum.total / 100, postgresSeconds: sum.pg, benchSeconds: sum.own });
  return { watch, used };
};

export const describeMachineCpu = (used: MachineCpu) =>
  `the machine's cores were ${(used.busyShare * 100).toFixed(0)} % busy meanwhile (${used.coreSeconds.toFixed(2)} core-seconds): PostgreSQL's processes used ${used.postgresSeconds.toFixed(2)} s, the bench process ${used.benchSeconds.toFixed(2)} s`;

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** Socket inode → local port, from /proc/<pid>/net/tcp and tcp6 (the process's network namespace). */
const localPortsByInode = (pid: number): Map<string, number> => {
  const ports = new Map<string, number>();
  for (const file of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      ports.set(fields[9]!, Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
};

/**
 * The local TCP ports of a process's open sockets (Linux /proc): a PostgreSQL backend's `client_port`
 * in pg_stat_activity is one of them when the backend serves that process. Empty when /proc says nothing.
 */
export const localPortsOf = (pid: number): Set<number> => {
  const byInode = localPortsByInode(pid);
  const ports = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return ports;
  }
  for (const fd of fds) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const port = inode ? byInode.get(inode) : undefined;
    if (port !== undefined) ports.add(port);
  }
  return ports;
};

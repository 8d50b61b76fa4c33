import { readFileSync } from 'node:fs';

/** A process's command and the CPU it has used so far, in seconds, from /proc/<pid>/stat (utime and stime, 1/100 s ticks). */
export const procStat = (pid: number | string): { command: string; user: number; system: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command is in parentheses and may itself hold spaces or parentheses: the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
};

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const pgBin = (): string | undefined => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().pop();
  return version ? path.join(root, version, 'bin') : undefined;
};

/** A throwaway PostgreSQL server of our own (so restarting it disturbs nobody), run as the postgres user. */
export const canRunTempPostgres = (): boolean => {
  const bin = pgBin();
  return Boolean(bin && existsSync(path.join(bin, 'pg_ctl')) && process.getuid?.() === 0 && existsSync('/usr/sbin/runuser'));
};

const freePort = async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

export const startTempPostgres = async () => {
  const bin = pgBin()!;
  const dir = mkdtempSync(path.join(tmpdir(), 'bl-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const asPostgres = (command: string, args: string[]) => execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const ctl = (...args: string[]) => asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', ...args]);
  ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    /** `immediate` kills the server without a checkpoint: it recovers from its WAL, like after a crash. Async: traffic goes on meanwhile. */
    restart: async (mode: 'fast' | 'immediate' = 'immediate') => {
      await promisify(execFile)('/usr/sbin/runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', 'restart', '-m', mode]);
    },
    stop: () => {
      try {
        ctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
};

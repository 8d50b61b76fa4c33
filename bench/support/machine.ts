import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { median } from './stats';

const pgliteVersion = (): string => {
  try {
    const file = path.join(__dirname, '../../node_modules/@electric-sql/pglite/package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** What one durable commit costs the disk at least: 8 kB write + fdatasync, median of 200, in the temp directory. */
const fdatasyncMicros = (): number => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-fsync-'));
  const fd = openSync(path.join(dir, 'probe'), 'w');
  const page = Buffer.alloc(8192, 1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < 200; i += 1) {
      const t = process.hrtime.bigint();
      writeSync(fd, page, 0, page.length, 0);
      fdatasyncSync(fd);
      samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return median(samples);
};

/** What a reader needs to compare runs: cores, memory, load, PostgreSQL and its durability settings. */
export const describeMachine = async (databaseUrl: string | undefined) => {
  const lines = [
    `cores: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free at start`,
    `load average at start (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}`,
    `node ${process.version}, PGlite ${pgliteVersion()} (${os.platform()} ${os.release()})`,
    `disk: 8 kB write + fdatasync in ${os.tmpdir()} takes ${fdatasyncMicros().toFixed(0)} µs (median of 200)`,
  ];
  if (databaseUrl) {
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const { rows } = await pool.query<{ version: string }>('SELECT version()');
      const settings = await pool.query<{ name: string; setting: string }>(
        `SELECT name, current_setting(name) AS setting FROM pg_settings
          WHERE name IN ('synchronous_commit', 'fsync', 'wal_sync_method', 'shared_buffers', 'max_connections', 'commit_delay')
          ORDER BY name`,
      );
      lines.push(`PostgreSQL: ${rows[0]!.version}`);
      lines.push(`PostgreSQL settings: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
    } finally {
      await pool.end();
    }
  }
  return lines;
};

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { procStat } from './procStat';
import { countBy, sleep } from './stats';

const repo = path.join(__dirname, '../..');

export interface Build {
  dir: string;
  dispose(): void;
}

/**
 * Compiles the service and the baseline process to JavaScript in a temporary directory (transpile only,
 * about 5 s), so the service runs as `npm start` runs it: `booking-ledger serve`, compiled, no tsx.
 */
export const buildForBench = (): Build => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-build-'));
  execFileSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', path.join(repo, 'bench/tsconfig.build.json'), '--outDir', dir], { stdio: 'inherit' });
  writeFileSync(path.join(dir, 'serve.js'), "require('./src/adapters/cli/main.js').main(process.argv);\n");
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
};

export interface Child {
  url: string;
  pid: number;
  probe: ProcessProbe;
  /** The messages of the warnings and errors it logged so far (pino level ≥ 40), counted; cleared by each call. */
  takeWarnings(): Record<string, number>;
  /** SIGTERM; resolves once it exited cleanly. */
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The node flags `npm start` runs the service with (package.json's start script, between `node` and the launcher). */
export const startScriptNodeFlags = (): string[] => {
  const start = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('bin/booking-ledger.js'));
};

/** BENCH_PROFILE=<dir> profiles the service process (`--cpu-prof`) to find what limits it; BENCH_NODE_FLAGS adds node flags. */
const childNodeArgs = () => [
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
  // BENCH_NODE_FLAGS="--flag …": node/V8 flags for the service and baseline processes, for diagnosis (V8 flags NODE_OPTIONS refuses).
  ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
];

const launch = (args: string[], env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null>; lines: string[] } => {
  const child = spawn(process.execPath, args, { env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, lines };
};

const stopper = (child: ChildProcess, exited: Promise<number | null>, name: string, lines: string[]) => async () => {
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`${name} exited with ${code}: ${lines.slice(-5).join('\n')}`);
};

/** Counts the pino lines of level ≥ 40 among `lines` by their message, from where the last call stopped. */
const warningsOf = (lines: string[]) => {
  let seen = 0;
  return (): Record<string, number> => {
    const messages = lines.slice(seen).flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
        return (entry.level ?? 0) < 40 ? [] : [`${entry.msg ?? '(no message)'}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 200)];
      } catch {
        return []; // not a log line
      }
    });
    seen = lines.length;
    return countBy(messages);
  };
};

/** "the service logged no warnings", or each warning's message with how often. */
export const describeWarnings = (counts: Record<string, number>, who = 'the service') => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? `${who} logged no warnings or errors` : `${who} logged: ${entries.map(([message, n]) => `${n} × "${message}"`).join('; ')}`;
};

/**
 * `booking-ledger serve` with the production configuration (NODE_ENV=production, every secret set,
 * LOG_LEVEL=warn), CONFIRMATION_WAIT_MS=0, on EVENT_STORE_URL; ready once GET /healthz answers.
 */
export const startServiceProcess = async (build: Build, env: Record<string, string>): Promise<Child> => {
  const port = await freePort();
  // Run as `npm start` runs it (its node flags), plus any diagnosis flags.
  const { child, exited, lines } = launch([...startScriptNodeFlags(), ...childNodeArgs(), path.join(build.dir, 'serve.js'), 'serve'], {
    NODE_ENV: 'production',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  for (let waited = 0; ; waited += 100) {
    if (code !== undefined) throw new Error(`the service exited with ${code} before listening: ${lines.slice(-5).join('\n')}`);
    if (waited > 60_000) throw new Error('the service did not answer /healthz within 60 s');
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  return { url, pid: child.pid!, probe: processProbe(child.pid!), takeWarnings: warningsOf(lines), stop: stopper(child, exited, 'the service', lines) };
};

/** bench/support/baselineProcess.ts (compiled); it prints {"url"} once listening. */
export const startBaselineProcess = async (build: Build, env: Record<string, string>): Promise<Child> => {
  const { child, exited, lines } = launch([path.join(build.dir, 'bench/support/baselineProcess.js')], env);
  for (;;) {
    const ready = lines.find((l) => l.startsWith('{"url"'));
    if (ready) return { url: (JSON.parse(ready) as { url: string }).url, pid: child.pid!, probe: processProbe(child.pid!), takeWarnings: warningsOf(lines), stop: stopper(child, exited, 'the baseline', lines) };
    const code = await Promise.race([exited, sleep(50).then(() => undefined)]);
    if (code !== undefined) throw new Error(`the baseline exited with ${code}: ${lines.join('\n')}`);
  }
};

export interface ProcessProbe {
  /** Starts a phase: resets the kernel's peak (VmHWM, via /proc/<pid>/clear_refs), starts sampling VmRSS, notes CPU time. */
  start(): void;
  /** Ends the phase: peak RSS in MiB, how it was measured, CPU seconds the process used. */
  stop(): { peakMiB: number; how: string; cpuSeconds: number };
}

export const statusKiB = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
};

/** utime + stime of a process in seconds. */
const cpuSeconds = (pid: number): number => {
  const { user, system } = procStat(pid);
  return user + system;
};

/** Peak resident memory and CPU time of another process, from /proc. */
export const processProbe = (pid: number): ProcessProbe => {
  let sampled = 0;
  let timer: NodeJS.Timeout | undefined;
  let reset = false;
  let cpuAtStart = 0;
  return {
    start: () => {
      cpuAtStart = cpuSeconds(pid);
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        reset = statusKiB(pid, 'VmHWM') <= statusKiB(pid, 'VmRSS') * 1.05;
      } catch {
        reset = false;
      }
      sampled = statusKiB(pid, 'VmRSS');
      timer = setInterval(() => (sampled = Math.max(sampled, statusKiB(pid, 'VmRSS'))), 50);
    },
    stop: () => {
      clearInterval(timer);
      const peak = reset ? Math.max(statusKiB(pid, 'VmHWM'), sampled) : sampled;
      return { peakMiB: peak / 1024, how: reset ? 'VmHWM (reset per phase)' : 'VmRSS sampled every 50 ms', cpuSeconds: cpuSeconds(pid) - cpuAtStart };
    },
  };
};

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface ChildService {
  url: string;
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Node flags for a test process that opens PGlite and does little with it: V8 compiles WebAssembly with its
 * baseline compiler only (no optimized second compilation of hot functions). Measured on this machine: a
 * `serve` on a PGlite directory used ~1.0 s of CPU to start and answer 20 requests instead of ~2.1 s
 * (PGLITE_WASM_COMPILER=tiered). Not how `npm start` runs: test/process/firstHour.test.ts runs the default.
 */
export const BASELINE_WASM_ONLY = ['--liftoff-only'];

/** Jest's limit for a test that starts child services (two, some of them) and waits on them, on a host that may be loaded. */
export const CHILD_SERVICE_TEST_MS = 150_000;

/**
 * Runs the built CLI (`bin/booking-ledger.js serve`, dist/ built by the test run's globalSetup) as a real
 * process; resolves once it listens. A developer's own .env in the repository never leaks into these
 * processes: ENV_FILE=/dev/null unless a cwd is given. `startWithinMs` (default 60 s) is how long it may take
 * to listen: a first start on a new PGlite directory with the default compiler took 11 s on an idle 2-core
 * host and over 30 s beside two other Jest workers.
 */
export const startChildService = (env: Record<string, string>, options: { cwd?: string; nodeFlags?: string[]; startWithinMs?: number } = {}): Promise<ChildService> =>
  new Promise((resolve, reject) => {
    const startWithinMs = options.startWithinMs ?? 60_000;
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), path.join(root, 'bin/booking-ledger.js'), 'serve'], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', BOOKING_HORIZON_DAYS: '3650', CALCOM_RATE_LIMIT_PER_MINUTE: '1000000', CALCOM_RATE_LIMIT_BURST: '100000', CALCOM_SLOTS_CACHE_MS: '0', CALCOM_CHECK_EVENT_TYPE: 'false', ...(options.cwd ? {} : { ENV_FILE: '/dev/null' }), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`service did not start within ${startWithinMs} ms:\n${output.join('')}`)), startWithinMs);
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(String(chunk));
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, process: child, output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(String(chunk)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited (${code}) before listening:\n${output.join('')}`));
    });
  });

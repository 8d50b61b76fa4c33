import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** `booking-ledger <args>` as a real process (the built CLI, as `npx booking-ledger` runs it): exit code, stdout, stderr. `nodeFlags`: see BASELINE_WASM_ONLY in childService.ts. */
export const runCli = (args: string[], env: Record<string, string>, options: { cwd?: string; nodeFlags?: string[] } = {}) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), path.join(root, 'bin/booking-ledger.js'), ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...(options.cwd ? {} : { ENV_FILE: '/dev/null' }), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    child.once('exit', (code) => resolve({ code, out, err }));
  });

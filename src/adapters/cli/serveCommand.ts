import { ConfigError, loadConfig } from '../config/config';
import { describeStartupError } from './startupError';
import { startService } from '../service';
import { assertPortFree } from './portProbe';
import { createLogger } from '../telemetry/logger';
import { envFileRead } from '../config/envFile';
import { getHeapStatistics } from 'node:v8';
import { compileWasmOptimizedOnly } from '../sql/wasmCompiler';

const SHUTDOWN_DEADLINE_MS = 40_000;

/** `booking-ledger serve`: run until SIGTERM/SIGINT, then stop taking requests and close cleanly. */
export const serve = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  // Before any store opens: PGlite's module is compiled when it first opens.
  if (config.PGLITE_WASM_COMPILER === 'optimizing') {
    compileWasmOptimizedOnly();
    logger.info({ PGLITE_WASM_COMPILER: 'optimizing' }, "WebAssembly (PGlite) compiled by V8's optimizing compiler only: less memory and CPU, a few seconds more to start (2–4 s on 2 cores)");
  }
  logger.info({ heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 1048576) }, 'V8 heap limit (npm start sets --max-old-space-size=1024)');
  const envFile = envFileRead();
  logger.info({ envFile: envFile ?? null }, envFile ? `Settings read from ${envFile} (variables set in the environment win over it)` : 'No .env file: settings from the environment only');
  const service = await assertPortFree(config.PORT).then(() => startService({ config, logger })).catch((error: unknown) => {
    const line = describeStartupError(error, config);
    throw line ? new ConfigError([line]) : error;
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'Second signal: exiting without waiting for the shutdown to finish');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'Shutting down: finishing requests in flight');
    // The service cuts requests in flight after its grace period (25 s); this is the last resort if closing hangs.
    setTimeout(() => {
      logger.error('Shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: { message: (error as Error).message } }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
};

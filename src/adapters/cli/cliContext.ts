import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/config';
import type { OpenedStores } from '../eventStore/openEventStore';
import { createLogger } from '../telemetry/logger';
import { projectionDefinitions } from '../../projections';

export interface CliContext {
  config: Config;
  stores: OpenedStores;
  logger: Logger;
}

/** Opens the configured stores (schemas migrated), runs `work`, and always closes them. Logs go to stderr. */
export const withStores = async <T>(work: (ctx: CliContext) => Promise<T>): Promise<T> => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr);
  const { openStores } = await import('../eventStore/openEventStore'); // loaded by the commands that open a store, not by --url calls
  const stores = await openStores(config.EVENT_STORE_URL, config.READ_MODEL_URL, { poolSize: config.PG_POOL_SIZE });
  try {
    for (const definition of projectionDefinitions) await stores.readModel.exec(definition.schema);
    return await work({ config, stores, logger });
  } finally {
    await stores.close();
  }
};

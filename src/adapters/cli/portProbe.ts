import net from 'node:net';

/**
 * Fails fast (with the listen error) when PORT is taken, before the stores are opened: opening PGlite
 * takes seconds, and a port in use is the most common first-hour mistake. The real listen still reports
 * a port taken in between.
 */
export const assertPortFree = (port: number): Promise<void> =>
  port === 0
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once('error', reject);
        probe.listen(port, () => probe.close(() => resolve()));
      });

import http from 'node:http';
import autocannon from 'autocannon';
import { quantile } from './stats';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  /** Milliseconds, from autocannon's own per-request timing (µs resolution, not its whole-ms histogram). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** `connections` keep-alive connections, each sending `next()` back to back for `seconds` (autocannon). */
export const runLoad = async (options: {
  url: string;
  connections: number;
  seconds: number;
  /** Requests per second across all connections (paced); unset: as fast as answers come (closed loop). */
  rate?: number;
  next: () => LoadRequest;
}): Promise<LoadResult> => {
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 20,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{ setupRequest: (req) => ({ ...req, ...options.next() }) }],
    setupClient: (client) => {
      client.on('response', (status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        if (status < 200 || status >= 300) non2xx += 1;
      });
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
};

/**
 * `callers` callers, each sending one request every `callers / rate` seconds on its own schedule
 * (staggered, so the load is smooth rather than bursts), on keep-alive connections: latency at a
 * given load, without the queueing a closed loop at saturation measures. A caller whose answer is late
 * sends its next request when the answer arrives.
 */
export const runPaced = async (options: { url: string; callers: number; rate: number; seconds: number; next: () => LoadRequest }): Promise<LoadResult> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.callers });
  const period = (options.callers / options.rate) * 1000;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const send = (request: LoadRequest) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(new URL(request.path, options.url), { method: request.method, agent, headers: request.headers }, (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject).end(request.body);
    });
  await Promise.all(
    Array.from({ length: options.callers }, async (_, caller) => {
      for (let at = started + (caller * period) / options.callers; at < end && performance.now() < end; at += period) {
        const wait = at - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const t = performance.now();
        try {
          const status = await send(options.next());
          latencies.push(performance.now() - t);
          if (status < 200 || status >= 300) non2xx += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  agent.destroy();
  return {
    requests: latencies.length,
    perSecond: latencies.length / ((performance.now() - started) / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    non2xx,
    errors,
    timeouts: 0,
  };
};

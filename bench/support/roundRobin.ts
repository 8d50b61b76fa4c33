import http from 'node:http';
import type { AddressInfo } from 'node:net';

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const endToEnd = (headers: http.IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));

/** What the balancer forwarded where: the request's path and body, and the index of the backend that got it. */
export interface Forwarded {
  path: string;
  body: Buffer;
  backend: number;
}

/** A request the balancer answered 502: why the backend failed it, and whether it went out on an idle keep-alive socket. */
export interface ForwardFailure {
  path: string;
  backend: number;
  code: string;
  reusedSocket: boolean;
}

/**
 * A loopback HTTP load balancer: each request goes to the next backend in turn (round robin), whole
 * (the body is read first, so `forwarded` can say which backend got which call), on keep-alive
 * connections. A backend that cannot be reached answers 502.
 */
export const startRoundRobin = async (backends: string[]) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const forwarded: Forwarded[] = [];
  const failures: ForwardFailure[] = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const backend = next;
      next = (next + 1) % backends.length;
      const body = Buffer.concat(chunks);
      forwarded.push({ path: req.url ?? '/', body, backend });
      const headers = { ...endToEnd(req.headers), host: new URL(backends[backend]!).host, 'content-length': String(body.length) };
      const upstream = http.request(new URL(req.url ?? '/', backends[backend]), { method: req.method, agent, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        failures.push({ path: req.url ?? '/', backend, code: error.code ?? error.message, reusedSocket: upstream.reusedSocket });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":"backend_unreachable"}');
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    failures,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

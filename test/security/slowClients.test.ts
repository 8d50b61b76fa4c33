import net from 'node:net';
import { openMemoryPglite } from '../support/databases';
import { startTestService, type TestService } from '../support/testService';

/** Opens a raw socket, sends `head`, then one byte every `everyMs`; resolves with what came back and when the socket closed. */
const trickle = (url: string, head: string, everyMs: number) =>
  new Promise<{ closedAfterMs: number; answer: string }>((resolve) => {
    const { port } = new URL(url);
    const started = Date.now();
    let answer = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(head);
      const timer = setInterval(() => socket.writable && socket.write('x'), everyMs);
      socket.once('close', () => clearInterval(timer));
    });
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ closedAfterMs: Date.now() - started, answer }));
  });

/** A client trickling its request byte by byte must not hold a socket for minutes before any check runs. */
describe('slow clients', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(openMemoryPglite, { env: { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '800' } });
  });
  afterAll(() => t.stop());

  it('cuts off a body trickled one byte at a time (request timeout)', async () => {
    const head = 'POST /webhooks/calcom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    const { closedAfterMs, answer } = await trickle(t.url, head, 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(20_000); // minutes before; the limit plus the check interval now
  }, 30_000);

  it('cuts off headers trickled one byte at a time (headers timeout)', async () => {
    const { closedAfterMs, answer } = await trickle(t.url, 'POST /retell/functions/book_appointment HTTP/1.1\r\nX-Slow: ', 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(20_000);
  }, 30_000);
});

/** Resolves with what one keep-alive request got back and how long the socket then stayed open while idle. */
const idleAfterOneRequest = (url: string) =>
  new Promise<{ answer: string; idleMs: number }>((resolve) => {
    const { port } = new URL(url);
    let answer = '';
    let answeredAt = 0;
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'));
    socket.on('data', (chunk) => {
      answer += String(chunk);
      answeredAt = Date.now();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ answer, idleMs: Date.now() - answeredAt }));
  });

/** Behind a load balancer: an idle connection must outlive the balancer's idle timeout, or it reuses a closing one (502). */
describe('idle keep-alive connections', () => {
  it('stay open for HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s unless set), then close', async () => {
    // Given a service with a short idle timeout, and one with the default
    const short = await startTestService(openMemoryPglite, { env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: '1200' } });
    const byDefault = await startTestService(openMemoryPglite);
    try {
      // When a client sends one request and then says nothing
      const { answer, idleMs } = await idleAfterOneRequest(short.url);
      // Then the socket stayed open at least that long before the service closed it (never earlier; load only delays it)
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toMatch(/Keep-Alive: timeout=1\b/i);
      expect(idleMs).toBeGreaterThanOrEqual(1100);
      // And by default the service keeps idle connections longer than AWS ALB's and nginx's 60 s, and says so to clients
      expect(byDefault.service.server.keepAliveTimeout).toBe(65_000);
      expect((await fetch(`${byDefault.url}/healthz`)).headers.get('keep-alive')).toBe('timeout=65');
    } finally {
      await short.stop();
      await byDefault.stop();
    }
  }, 30_000);
});

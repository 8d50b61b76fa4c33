import http from 'node:http';
import type { LoadRequest } from './load';

/** One answer of a burst: when it was sent and answered (performance.now()), its HTTP status and the answer's `status` field. */
export interface BurstAnswer {
  callId: string;
  sentAt: number;
  answeredAt: number;
  ms: number;
  httpStatus: number;
  /** `status` of the JSON answer (the service's: confirmed, pending, …); undefined when there is none. */
  status?: string;
  error?: string;
}

const statusOf = (text: string): string | undefined => {
  try {
    const status = (JSON.parse(text) as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
};

/** Sends every request at once, each on a connection of its own, and waits for every answer. */
export const fireBurst = async (url: string, requests: Array<{ callId: string; request: LoadRequest }>): Promise<BurstAnswer[]> => {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    return await Promise.all(
      requests.map(
        ({ callId, request }) =>
          new Promise<BurstAnswer>((resolve) => {
            const sentAt = performance.now();
            const answer = (httpStatus: number, text: string, error?: string) => {
              const answeredAt = performance.now();
              resolve({ callId, sentAt, answeredAt, ms: answeredAt - sentAt, httpStatus, status: statusOf(text), ...(error && { error }) });
            };
            const req = http.request(new URL(request.path, url), { method: request.method, agent, headers: request.headers }, (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => answer(res.statusCode ?? 0, text));
            });
            req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
            req.on('error', (error) => answer(0, '', error.message)).end(request.body);
          }),
      ),
    );
  } finally {
    agent.destroy();
  }
};

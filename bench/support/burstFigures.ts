import type { BurstRun } from './burstRound';
import { figure, type ResultRow } from './report';
import { countBy, fmt, median, quantile } from './stats';

/** What one burst measured: answer times, Cal.com's creates, answers, and where the time went. */
export interface BurstFigures {
  p50: number;
  p95: number;
  p99: number;
  posts: number;
  mostPostsForOneCall: number;
  callsWithoutPost: number;
  /** Answers that are not HTTP 200. */
  failed: number;
  /** Answers whose `status` is not `confirmed` (the service's answers). */
  notConfirmed: number;
  /** Sent → Cal.com received the create (ms, p50 / p99): the work before the POST. */
  beforePost: [number, number];
  /** Cal.com sent the webhook → the caller had the answer (ms, p50 / p99): ingest, wake-up, answer. */
  afterWebhook: [number, number];
  /** Cal.com sent the webhook → its delivery was acknowledged (ms, p99). */
  webhookAckP99: number;
  /** The webhooks' HTTP statuses other than 200, counted (0: a network error). */
  webhooksNot200: Record<string, number>;
  /** The `status` of the answers that are not `confirmed`, counted. */
  notConfirmedAs: Record<string, number>;
}

export const describeCounts = (counts: Record<string, number>) => Object.entries(counts).map(([value, n]) => `${n} × ${value}`).join(', ');

const p50p99 = (samples: number[]): [number, number] => [quantile(samples, 0.5), quantile(samples, 0.99)];

export const burstFigures = (run: BurstRun): BurstFigures => {
  const ms = run.answers.map((a) => a.ms);
  const postsPerCall = new Map<string, number>();
  const postedAt = new Map<string, number>();
  for (const post of run.posts) {
    const call = post.metadata.call_id ?? '';
    postsPerCall.set(call, (postsPerCall.get(call) ?? 0) + 1);
    if (!postedAt.has(call)) postedAt.set(call, post.receivedAt);
  }
  const webhookSentAt = new Map(run.deliveries.map((d) => [d.callId, d.sentAt]));
  const beforePost = run.answers.flatMap((a) => (postedAt.has(a.callId) ? [postedAt.get(a.callId)! - a.sentAt] : []));
  const afterWebhook = run.answers.flatMap((a) => (webhookSentAt.has(a.callId) ? [a.answeredAt - webhookSentAt.get(a.callId)!] : []));
  return {
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    posts: run.posts.length,
    mostPostsForOneCall: Math.max(0, ...postsPerCall.values()),
    callsWithoutPost: run.answers.filter((a) => !postsPerCall.has(a.callId)).length,
    failed: run.answers.filter((a) => a.httpStatus !== 200).length,
    notConfirmed: run.answers.filter((a) => a.status !== 'confirmed').length,
    beforePost: p50p99(beforePost),
    afterWebhook: p50p99(afterWebhook),
    webhookAckP99: quantile(run.deliveries.map((d) => d.answeredAt - d.sentAt), 0.99),
    webhooksNot200: countBy(run.deliveries.filter((d) => d.status !== 200).map((d) => String(d.status))),
    notConfirmedAs: countBy(run.answers.filter((a) => a.status !== 'confirmed').map((a) => String(a.status))),
  };
};

const ms = (value: number) => fmt(value, 1);

/** One round in a line; the floor (the proxy) answers `success`, not a booking status, so only ours counts answers not confirmed. */
export const describeBurst = (name: string, f: BurstFigures, side: 'floor' | 'service') =>
  `${name}: p50 ${ms(f.p50)} / p95 ${ms(f.p95)} / p99 ${ms(f.p99)} ms; before the POST p50 ${ms(f.beforePost[0])} / p99 ${ms(f.beforePost[1])} ms; ` +
  `webhook sent → answer p50 ${ms(f.afterWebhook[0])} / p99 ${ms(f.afterWebhook[1])} ms; webhook acknowledged p99 ${ms(f.webhookAckP99)} ms; ` +
  `${f.posts} POSTs (at most ${f.mostPostsForOneCall} for a call, ${f.callsWithoutPost} calls without); ${f.failed} not HTTP 200` +
  (side === 'service' ? `, ${f.notConfirmed} not confirmed${f.notConfirmed > 0 ? ` (${describeCounts(f.notConfirmedAs)})` : ''}` : '') +
  (Object.keys(f.webhooksNot200).length > 0 ? `; webhooks answered other than 200: ${describeCounts(f.webhooksNot200)}` : '');

/**
 * The rows every burst reports: p50 / p95 / p99 against the floor (the median over this run's rounds;
 * the log has each round), with the p99 target `floor + allowanceMs`; Cal.com's creates; answers not confirmed.
 */
export const burstRows = (metric: string, store: string, floorRuns: BurstRun[], ourRuns: BurstRun[], allowanceMs: number, size: number): ResultRow[] => {
  const floor = floorRuns.map(burstFigures);
  const ours = ourRuns.map(burstFigures);
  const rounds = ours.length > 1 ? `, median of ${ours.length} rounds` : '';
  const quantileRow = (q: 'p50' | 'p95' | 'p99'): ResultRow => {
    const a = median(ours.map((f) => f[q]));
    const z = median(floor.map((f) => f[q]));
    const target = q === 'p99' ? { target: `≤ floor + ${allowanceMs} ms`, met: a - z <= allowanceMs } : {};
    return figure(`${metric}: ${q} (ms${rounds})`, store, a, z, 'floor', { digits: 1, compare: 'difference', ...target });
  };
  const posts = ours.reduce((sum, f) => sum + f.posts, 0);
  const floorPosts = floor.reduce((sum, f) => sum + f.posts, 0);
  const expected = size * ours.length;
  const mostForOne = Math.max(...ours.map((f) => f.mostPostsForOneCall));
  const unconfirmed = ours.reduce((sum, f) => sum + f.notConfirmed, 0);
  const failed = ours.reduce((sum, f) => sum + f.failed, 0);
  return [
    quantileRow('p50'),
    quantileRow('p95'),
    quantileRow('p99'),
    {
      metric: `${metric}: Cal.com POSTs${ours.length > 1 ? ` (${ours.length} rounds)` : ''}`,
      store,
      text: { value: fmt(posts), baseline: `${fmt(floorPosts)} floor`, ratio: `at most ${mostForOne} per booking` },
      target: `= ${fmt(expected)}, 1 per booking`,
      met: posts === expected && mostForOne === 1,
    },
    { metric: `${metric}: answers not confirmed`, store, text: { value: fmt(unconfirmed), baseline: '—', ratio: failed > 0 ? `${failed} not HTTP 200` : '—' }, target: '0', met: unconfirmed === 0 },
  ];
};

import { bookRequest } from './bookRequest';
import { fireBurst, type BurstAnswer } from './burstClient';
import { calcomWebhookSender, type Delivery } from './calcomWebhooks';
import { startLocalCalcom, type CreatedBooking } from './localCalcom';
import { WEBHOOK_SECRET } from './startBenchService';

/** Where a burst goes: the book_appointment endpoint, and where Cal.com sends the webhooks meanwhile. */
export interface BurstSide {
  url: string;
  webhookUrl: string;
}

/** One burst: every answer, the creates Cal.com saw for its calls and the webhooks it sent for them. */
export interface BurstRun {
  answers: BurstAnswer[];
  posts: CreatedBooking[];
  deliveries: Delivery[];
}

export interface BurstOptions {
  /** Simultaneous book_appointment calls, each for a call of its own. */
  size: number;
  /** Measured bursts on each side, alternating floor and ours. */
  rounds: number;
  /**
   * Unmeasured warm-up calls on each side, sent in bursts of at most `size` (connections, JIT: V8 compiles
   * the hot code only after some hundred calls, so a service just started pays about twice the CPU a booking).
   * Per service process: part 8 sends this many to each of its instances.
   */
  warm: number;
  /** Cal.com answers a create after this long… */
  answerAfterMs: number;
  /** …and sends its signed BOOKING_CREATED this long after answering. */
  webhookAfterMs: number;
}

/** The Cal.com stand-in of the burst: slow creates, each followed by its webhook to the side being measured. */
export const startBurstCalcom = async (options: BurstOptions) => {
  const webhooks = calcomWebhookSender({ secret: WEBHOOK_SECRET, afterMs: options.webhookAfterMs });
  const calcom = await startLocalCalcom({ answerAfterMs: options.answerAfterMs, onAnswered: webhooks.later });
  return {
    url: calcom.url,
    /** `size` simultaneous calls `call_<prefix>_<n>` to one side, webhooks to that side; resolves once all are answered. */
    burst: async (side: BurstSide, prefix: string, size: number): Promise<BurstRun> => {
      webhooks.setTarget(side.webhookUrl);
      const requests = Array.from({ length: size }, (_, i) => ({ callId: `call_${prefix}_${i + 1}`, request: bookRequest(prefix, i + 1) }));
      const answers = await fireBurst(side.url, requests);
      await webhooks.idle();
      webhooks.setTarget(undefined);
      const ours = new Set(requests.map((r) => r.callId));
      return { answers, posts: calcom.created.filter((b) => ours.has(b.metadata.call_id ?? '')), deliveries: webhooks.deliveries.filter((d) => ours.has(d.callId)) };
    },
    close: async () => {
      await webhooks.idle();
      webhooks.close();
      await calcom.close();
    },
  };
};
export type BurstCalcom = Awaited<ReturnType<typeof startBurstCalcom>>;

/** Told around each measured burst of ours (e.g. to sample the database or the CPU only then). */
export interface BurstWatch {
  start(): void;
  stop(): void;
}

/** Warm-up bursts on each side, then `rounds` measured bursts, floor and ours in turn (a noisy spell hits both). */
export const runBurstRounds = async (calcom: BurstCalcom, sides: { floor: BurstSide; ours: BurstSide }, options: BurstOptions, tag: string, watch?: BurstWatch) => {
  for (let sent = 0, n = 1; sent < options.warm; sent += options.size, n += 1) {
    const calls = Math.min(options.size, options.warm - sent);
    await calcom.burst(sides.floor, `${tag}fw${n}`, calls);
    await calcom.burst(sides.ours, `${tag}ow${n}`, calls);
  }
  const floor: BurstRun[] = [];
  const ours: BurstRun[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    floor.push(await calcom.burst(sides.floor, `${tag}f${round}`, options.size));
    watch?.start();
    ours.push(await calcom.burst(sides.ours, `${tag}o${round}`, options.size));
    watch?.stop();
  }
  return { floor, ours };
};

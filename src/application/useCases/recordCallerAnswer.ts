import { createHash } from 'node:crypto';
import { callStreamId, type CallEvent } from '../../domain';
import type { AgentAnswer } from '../agentAnswer';
import { callStreamAsKnown, rememberCallStream, withAnswer } from '../callStreamSummary';
import { toNewEvent } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import type { RequestContext, UseCaseDeps } from './deps';

/** Canonical JSON (sorted keys): the same arguments give the same text, whatever their order. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const requestFingerprint = (fn: string, args: Record<string, unknown>): string =>
  createHash('sha256').update(`${fn}\n${canonical(args)}`).digest('hex').slice(0, 16);

/**
 * Records what the caller was told as a fact of the call (`CallerAnswered`), numbering the deliveries of
 * the same function call. The call's stream is appended with its version, so concurrent deliveries get
 * their own numbers; the version is first the one this process knows (callStreamAsKnown), then read.
 */
export const recordCallerAnswer = async (
  deps: UseCaseDeps,
  ctx: RequestContext,
  call: { fn: string; args: Record<string, unknown>; answer: AgentAnswer; latencyMs: number },
): Promise<number> => {
  const streamId = callStreamId(ctx.callId);
  const fingerprint = requestFingerprint(call.fn, call.args);
  for (let attempt = 1; ; attempt += 1) {
    const { version, summary } = await callStreamAsKnown(deps.store, deps.recentCalls, ctx.callId, { read: attempt > 1 });
    const earlier = summary.answers.get(fingerprint) ?? 0;
    const { answer } = call;
    const event: CallEvent = {
      type: 'CallerAnswered',
      data: {
        callId: ctx.callId,
        occurredAt: deps.now().toISOString(),
        function: call.fn,
        delivery: earlier + 1,
        requestFingerprint: fingerprint,
        requestId: ctx.requestId,
        status: answer.status,
        message: answer.message,
        ...(answer.booking_id !== undefined && { bookingId: answer.booking_id }),
        ...(answer.booking_status !== undefined && { bookingStatus: answer.booking_status }),
        latencyMs: Math.round(call.latencyMs),
      },
    };
    try {
      await deps.store.appendToStream(streamId, [toNewEvent(event, { correlationId: ctx.requestId, causationId: ctx.requestId })], { expectedVersion: version });
      rememberCallStream(deps.recentCalls, ctx.callId, version + 1, withAnswer(summary, fingerprint));
      return earlier + 1;
    } catch (error) {
      if (!isConcurrencyError(error) || attempt >= 10) throw error;
    }
  }
};

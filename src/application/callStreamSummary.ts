import { callStreamId } from '../domain';
import type { EventStore, StoredEvent } from './ports/eventStore';
import type { RecentStreams } from './recentStreams';

/** What the use cases that append to a call's stream need of it: its answers by request fingerprint, and the Retell call events recorded. */
export interface CallStreamSummary {
  answers: ReadonlyMap<string, number>;
  retellEvents: ReadonlySet<string>;
}

export type RecentCallStreams = RecentStreams<CallStreamSummary>;

const EMPTY: CallStreamSummary = { answers: new Map(), retellEvents: new Set() };

const fieldOf = (event: StoredEvent, field: string): unknown => (event.data as Record<string, unknown> | null)?.[field];

export const summariseCallStream = (stream: StoredEvent[]): CallStreamSummary =>
  stream.reduce((summary, event) => {
    const fingerprint = fieldOf(event, 'requestFingerprint');
    const retellEvent = fieldOf(event, 'event');
    if (event.type === 'CallerAnswered' && typeof fingerprint === 'string') return withAnswer(summary, fingerprint);
    if (event.type === 'RetellCallEventRecorded' && typeof retellEvent === 'string') return withRetellEvent(summary, retellEvent);
    return summary;
  }, EMPTY);

export const withAnswer = (summary: CallStreamSummary, fingerprint: string): CallStreamSummary => ({
  ...summary,
  answers: new Map(summary.answers).set(fingerprint, (summary.answers.get(fingerprint) ?? 0) + 1),
});

export const withRetellEvent = (summary: CallStreamSummary, event: string): CallStreamSummary => ({ ...summary, retellEvents: new Set(summary.retellEvents).add(event) });

/**
 * A call's stream as this process last knew it, to append to with that version: on a first attempt the
 * remembered summary (`recent`), or, for a call this process has not seen, an empty stream
 * (a call's first event usually reaches the instance that takes the call); a stale guess is refused on
 * its version, and the retry (`read: true`) reads the stream. Without a memory: always read.
 */
export const callStreamAsKnown = async (
  store: EventStore,
  recent: RecentCallStreams | undefined,
  callId: string,
  { read }: { read: boolean },
): Promise<{ version: number; summary: CallStreamSummary }> => {
  const streamId = callStreamId(callId);
  if (recent && !read) {
    const known = recent.get(streamId);
    return known ? { version: known.version, summary: known.value } : { version: 0, summary: EMPTY };
  }
  const stream = await store.readStream(streamId);
  const summary = summariseCallStream(stream);
  recent?.set(streamId, stream.length, summary);
  return { version: stream.length, summary };
};

/** Remembers the call stream as an append of this process left it. */
export const rememberCallStream = (recent: RecentCallStreams | undefined, callId: string, version: number, summary: CallStreamSummary): void =>
  recent?.set(callStreamId(callId), version, summary);

/**
 * The event store port. The domain and the tests never know which store runs behind it:
 * PostgreSQL (pg), embedded PGlite, or EventStoreDB all pass the same conformance suite.
 */

/** `number` is the stream's current version (its event count; 0 = no events yet). */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface EventMetadata {
  /** When it happened in the outside world (ISO 8601). The store adds its own `recordedAt`. */
  occurredAt: string;
  callId?: string;
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

export interface NewEvent {
  /** Its id, generated (UUID v4) when omitted; one given must be unique (the PostgreSQL store does not index ids). */
  id?: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

export interface StoredEvent extends Required<Omit<NewEvent, 'id'>> {
  id: string;
  streamId: string;
  /** 1-based position of the event in its stream. */
  streamVersion: number;
  /** Opaque global position; compares correctly as a string (fixed-width). */
  position: string;
  /** When the store recorded it. */
  recordedAt: Date;
}

export interface AppendResult {
  nextExpectedVersion: number;
  /** Position of the last appended event. */
  position: string;
}

/**
 * What the appender knows its stream amounts to once the append is written (a booking's folded state,
 * say): handed with the signal to this process's `onAppended` listeners when, and only when, the append
 * succeeded, so that a listener need not read back what was just written. Never stored, never sent to
 * another process; opaque to the store.
 */
export type AppendNote = unknown;

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expectedVersion?: ExpectedVersion;
  note?: AppendNote;
}

export interface ReadAllOptions {
  /** Exclusive: only events after this position. Omit to read from the start. */
  after?: string;
  maxCount?: number;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  after?: string;
  /** Called once per event in global order; the subscription waits for it to resolve. */
  onEvent(event: StoredEvent): Promise<void>;
  /** Called when a poll or handler fails; the subscription retries from the last handled event. */
  onError?(error: unknown): void;
  pollIntervalMs?: number;
  batchSize?: number;
}

export interface EventStore {
  readonly name: string;
  appendToStream(streamId: string, events: NewEvent[], options?: { expectedVersion?: ExpectedVersion; note?: AppendNote }): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction, in the order given: all or none. A wrong expected
   * version on any of them raises the `ConcurrencyError` of that stream and writes nothing. One result
   * per append. Two appends to one stream follow each other (the second expects the version the first made). Absent where the store cannot do it atomically (EventStoreDB): callers append one by one.
   */
  appendToStreams?(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** Every event of one stream, oldest first; `[]` when the stream does not exist. */
  readStream(streamId: string, options?: { fromVersion?: number; maxCount?: number }): Promise<StoredEvent[]>;
  /** Events of all streams in one global order that never skips a late-committing writer. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Position of the newest event `readAll` can return; undefined for an empty store. */
  headPosition(): Promise<string | undefined>;
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * Tells `listener` the stream id of every append: this process's at once, other processes' too where
   * the store can (PostgreSQL NOTIFY). A hint to read again, never the data itself; returns "stop".
   * `version`, where known: the stream's version once that append was written (a reader that has seen
   * it needs no second look); undefined (e.g. from an older instance) means "read to know". `note`: the
   * append's own `note`, for appends of this process only (another process's carry none).
   */
  onAppended?(listener: (streamId: string, version?: number, note?: AppendNote) => void): () => void;
  close(): Promise<void>;
}

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | undefined,
  ) {
    super(`Expected version ${String(expected)} of stream ${streamId} but it is ${actual === undefined ? 'absent' : actual}`);
    this.name = 'ConcurrencyError';
  }
}

export const isConcurrencyError = (error: unknown): error is ConcurrencyError => error instanceof ConcurrencyError;

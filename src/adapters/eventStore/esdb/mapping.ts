import type { Position, RecordedEvent, ResolvedEvent, AllStreamResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata, StoredEvent } from '../../../application/ports/eventStore';
import { encodeEsdbPosition } from './positions';

const TICKS_PER_MS = 10_000;
/** Smallest position; only used when the server reports none (servers older than 22.6 on stream reads). */
const ZERO: Position = { commit: 0n, prepare: 0n };

/** Server-internal events (`$metadata`, `$>` links, `$stats-…` streams, …) never reach the port. */
export const isSystemEvent = (event: { type: string; streamId: string }): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

/** v6 gives a Date; older clients gave .NET ticks (100 ns) since the Unix epoch. */
const toDate = (created: unknown): Date => {
  if (created instanceof Date) return created;
  if (typeof created === 'bigint') return new Date(Number(created / BigInt(TICKS_PER_MS)));
  if (typeof created === 'number') return new Date(Math.floor(created / TICKS_PER_MS));
  if (typeof created === 'string') return new Date(created);
  return new Date(0);
};

const splitMetadata = (raw: unknown): { schemaVersion: number; metadata: EventMetadata } => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array) {
    return { schemaVersion: 1, metadata: {} as EventMetadata };
  }
  const { schemaVersion, ...metadata } = raw as Record<string, unknown>;
  return {
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    metadata: metadata as EventMetadata,
  };
};

/** A recorded ESDB event → the port's StoredEvent (1-based streamVersion, schemaVersion lifted out of metadata). */
export const toStoredEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined => {
  const event = resolved.event as RecordedEvent | undefined;
  if (!event) return undefined;
  const { schemaVersion, metadata } = splitMetadata(event.metadata);
  const commitOnly = resolved.commitPosition === undefined ? undefined : { commit: resolved.commitPosition, prepare: resolved.commitPosition };
  return {
    id: event.id,
    streamId: event.streamId,
    streamVersion: Number(event.revision) + 1,
    type: event.type,
    schemaVersion,
    data: event.data,
    metadata,
    recordedAt: toDate(event.created as unknown),
    position: encodeEsdbPosition(event.position ?? commitOnly ?? ZERO),
  };
};

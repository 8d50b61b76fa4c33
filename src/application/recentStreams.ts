/**
 * What this process last knew a stream to hold, by stream id, for the streams it read or wrote lately:
 * a guess that the next append's expected version proves or refutes (a stream holds at a version exactly
 * what it held when that version was seen, so a known version that the append finds still current is
 * the whole truth; a stale one costs a refused append and a read). Past `size` streams the one known
 * longest is forgotten.
 */
export interface RecentStreams<T> {
  get(streamId: string): { version: number; value: T } | undefined;
  /** Remembers the stream at `version`, unless something newer of it is known already. */
  set(streamId: string, version: number, value: T): void;
}

export const createRecentStreams = <T>(size = 10_000): RecentStreams<T> => {
  const known = new Map<string, { version: number; value: T }>();
  return {
    get: (streamId) => known.get(streamId),
    set: (streamId, version, value) => {
      const before = known.get(streamId);
      if (before && before.version > version) return;
      known.delete(streamId);
      known.set(streamId, { version, value });
      if (known.size > size) known.delete(known.keys().next().value!);
    },
  };
};

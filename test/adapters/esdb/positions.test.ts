import fc from 'fast-check';
import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError } from '@eventstore/db-client';
import { toEsdbConnectionString } from '../../../src/adapters/eventStore/esdb/connectionString';
import { toConcurrencyError, toExpectedRevision } from '../../../src/adapters/eventStore/esdb/expectedVersion';
import { isSystemEvent, toStoredEvent } from '../../../src/adapters/eventStore/esdb/mapping';
import { decodeEsdbPosition, encodeEsdbPosition } from '../../../src/adapters/eventStore/esdb/positions';
import { ConcurrencyError } from '../../../src/application/ports/eventStore';

const MAX = 10n ** 20n - 1n;
const positionArb = fc.record({ commit: fc.bigInt({ min: 0n, max: MAX }), prepare: fc.bigInt({ min: 0n, max: MAX }) });
const compare = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }) =>
  a.commit === b.commit ? Math.sign(Number(a.prepare - b.prepare)) : a.commit < b.commit ? -1 : 1;

describe('EventStoreDB positions', () => {
  it('encodes commit and prepare as two 20-digit zero-padded numbers', () => {
    expect(encodeEsdbPosition({ commit: 1234n, prepare: 1200n })).toBe('00000000000000001234:00000000000000001200');
    expect(encodeEsdbPosition({ commit: 0n, prepare: 0n })).toBe('00000000000000000000:00000000000000000000');
    expect(encodeEsdbPosition({ commit: MAX, prepare: MAX })).toBe(`${'9'.repeat(20)}:${'9'.repeat(20)}`);
  });

  it('decodes what it encodes', () => {
    fc.assert(fc.property(positionArb, (position) => {
      expect(decodeEsdbPosition(encodeEsdbPosition(position))).toEqual(position);
    }));
  });

  it('orders encoded strings exactly like (commit, prepare)', () => {
    fc.assert(fc.property(positionArb, positionArb, (a, b) => {
      const ea = encodeEsdbPosition(a);
      const eb = encodeEsdbPosition(b);
      expect(ea < eb ? -1 : ea > eb ? 1 : 0).toBe(compare(a, b));
    }));
    // The classic trap: 9 < 10 numerically but "9" > "10" as unpadded strings.
    expect(encodeEsdbPosition({ commit: 9n, prepare: 9n }) < encodeEsdbPosition({ commit: 10n, prepare: 10n })).toBe(true);
    expect(encodeEsdbPosition({ commit: 10n, prepare: 9n }) < encodeEsdbPosition({ commit: 10n, prepare: 10n })).toBe(true);
  });

  it('keeps a fixed width so positions sort as plain strings', () => {
    fc.assert(fc.property(positionArb, (position) => {
      expect(encodeEsdbPosition(position)).toHaveLength(41);
    }));
  });

  it('rejects positions that cannot round-trip', () => {
    expect(() => encodeEsdbPosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodeEsdbPosition({ commit: 0n, prepare: MAX + 1n })).toThrow(RangeError);
    for (const bad of ['', '12', '1:2:3', 'a:b', '-1:0', '123456789012345678901:0', '00000000000000000001-00000000000000000001']) {
      expect(() => decodeEsdbPosition(bad)).toThrow('Not an EventStoreDB event store position');
    }
  });
});

describe('EventStoreDB connection strings', () => {
  it.each([
    ['kurrentdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['kurrentdb+discover://admin:changeit@cluster.local:2113', 'esdb+discover://admin:changeit@cluster.local:2113'],
    ['KurrentDB://localhost:2113', 'esdb://localhost:2113'],
    ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['esdb+discover://cluster.local:2113', 'esdb+discover://cluster.local:2113'],
    ['  ESDB://localhost:2113 ', 'esdb://localhost:2113'],
  ])('rewrites %s to %s', (input, expected) => {
    expect(toEsdbConnectionString(input)).toBe(expected);
  });

  it('only touches the scheme', () => {
    expect(toEsdbConnectionString('esdb://kurrentdb://host:2113')).toBe('esdb://kurrentdb://host:2113');
    expect(toEsdbConnectionString('kurrentdb://kurrentdb.internal:2113')).toBe('esdb://kurrentdb.internal:2113');
  });
});

describe('EventStoreDB expected versions and conflicts', () => {
  it('maps event counts to 0-based revisions and names to constants', () => {
    expect(toExpectedRevision(0)).toBe(NO_STREAM);
    expect(toExpectedRevision(1)).toBe(0n);
    expect(toExpectedRevision(500)).toBe(499n);
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision(undefined)).toBe(ANY);
  });

  it('turns WrongExpectedVersionError into ConcurrencyError with the actual event count', () => {
    const exists = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 1n });
    const converted = toConcurrencyError(exists, 's', 1);
    expect(converted).toBeInstanceOf(ConcurrencyError);
    expect(converted).toMatchObject({ streamId: 's', expected: 1, actual: 2 });

    const absent = new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: NO_STREAM });
    expect(toConcurrencyError(absent, 's', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: undefined });
  });

  it('passes other errors through untouched', () => {
    const other = new Error('unavailable');
    expect(toConcurrencyError(other, 's', 1)).toBe(other);
  });
});

describe('EventStoreDB recorded event mapping', () => {
  const recorded = {
    streamId: 'booking-1',
    id: '5f1c8e0e-0000-4000-8000-000000000001',
    isJson: true as const,
    revision: 2n,
    type: 'BookingRequested',
    created: new Date('2026-01-02T03:04:05.678Z'),
    data: { slot: '10:00' },
    metadata: { occurredAt: '2026-01-02T03:04:05.000Z', callId: 'c1', schemaVersion: 3 },
    position: { commit: 42n, prepare: 40n },
  };

  it('maps versions, schema version, metadata, time and position', () => {
    expect(toStoredEvent({ event: recorded })).toEqual({
      id: recorded.id,
      streamId: 'booking-1',
      streamVersion: 3,
      type: 'BookingRequested',
      schemaVersion: 3,
      data: { slot: '10:00' },
      metadata: { occurredAt: '2026-01-02T03:04:05.000Z', callId: 'c1' },
      recordedAt: new Date('2026-01-02T03:04:05.678Z'),
      position: '00000000000000000042:00000000000000000040',
    });
  });

  it('defaults the schema version to 1 and reads .NET ticks defensively', () => {
    const ticks = BigInt(Date.UTC(2026, 0, 2)) * 10_000n;
    const event = { ...recorded, metadata: { occurredAt: 'x' }, created: Number(ticks) as unknown as Date };
    const stored = toStoredEvent({ event })!;
    expect(stored.schemaVersion).toBe(1);
    expect(stored.metadata).toEqual({ occurredAt: 'x' });
    expect(stored.recordedAt.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('falls back to the commit position when the server sends no event position', () => {
    const { position: _omitted, ...withoutPosition } = recorded;
    expect(toStoredEvent({ event: withoutPosition, commitPosition: 7n })!.position).toBe('00000000000000000007:00000000000000000007');
  });

  it('recognises system events by type or stream', () => {
    expect(isSystemEvent({ type: '$metadata', streamId: 'booking-1' })).toBe(true);
    expect(isSystemEvent({ type: 'Stats', streamId: '$stats-127.0.0.1:2113' })).toBe(true);
    expect(isSystemEvent({ type: 'BookingRequested', streamId: 'booking-1' })).toBe(false);
  });
});

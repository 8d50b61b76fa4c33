import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError, ErrorType, type AppendExpectedRevision } from '@eventstore/db-client';
import { ConcurrencyError, type ExpectedVersion } from '../../../application/ports/eventStore';

/** Port versions count events (0 = none); ESDB revisions index them from 0. */
export const toExpectedRevision = (expected: ExpectedVersion | undefined): AppendExpectedRevision => {
  if (typeof expected === 'number') return expected === 0 ? NO_STREAM : BigInt(expected - 1);
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return ANY;
};

const isWrongExpectedVersion = (error: unknown): error is WrongExpectedVersionError =>
  error instanceof WrongExpectedVersionError ||
  (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === ErrorType.WRONG_EXPECTED_VERSION);

/** WrongExpectedVersionError → the port's ConcurrencyError (actual = event count, undefined when absent); others pass through. */
export const toConcurrencyError = (error: unknown, streamId: string, expected: ExpectedVersion): unknown => {
  if (!isWrongExpectedVersion(error)) return error;
  const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) + 1 : undefined;
  return new ConcurrencyError(streamId, expected, actual);
};

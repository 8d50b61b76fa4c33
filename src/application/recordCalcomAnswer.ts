import { calcomUidStreamId, type BookingEvent, type CalcomAnswer } from '../domain';
import { handleBookingCommand, type KnownBooking } from './bookingRepository';
import type { Causation } from './eventEnvelope';
import { isConcurrencyError, type EventStore } from './ports/eventStore';
import { claimCalcomUid, readUidOwner, uidClaimAppend } from './uidClaims';

export interface AnswerToRecord {
  bookingId: string;
  callId: string;
  answer: CalcomAnswer;
  /** Nothing but the uid's owner stands between this answer and the booking it was asked for. */
  looksOurs: boolean;
  now: string;
}

/**
 * Cal.com's answer to our create, recorded and judged by the decider on the state the request was
 * recorded with. One that looks ours claims its uid (first claimant wins): where the store appends to
 * several streams at once, the claim and the answer go in one transaction, and a uid another booking
 * claimed first fails both, so the answer is judged again knowing its owner. One that is not ours only
 * reads who owns its uid.
 */
export const recordCalcomAnswer = async (
  store: EventStore,
  known: KnownBooking,
  record: AnswerToRecord,
  causation: Causation,
): Promise<KnownBooking & { appended: BookingEvent[] }> => {
  const { bookingId, callId, answer, looksOurs, now } = record;
  const judge = (uidOwner: string | undefined, alongside = {}) =>
    handleBookingCommand(store, bookingId, { type: 'RecordCalcomAnswer', data: { answer, uidOwner, now } }, causation, { known, alongside });
  if (looksOurs && store.appendToStreams) {
    const claimed = await judge(bookingId, { before: [uidClaimAppend({ uid: answer.uid, bookingId, callId, now }, causation)] }).catch((error: unknown) => {
      if (isConcurrencyError(error) && error.streamId === calcomUidStreamId(answer.uid)) return undefined;
      throw error;
    });
    if (claimed) return claimed;
  }
  const uidOwner = looksOurs ? await claimCalcomUid(store, { uid: answer.uid, bookingId, callId, now }, causation) : await readUidOwner(store, answer.uid);
  return judge(uidOwner);
};

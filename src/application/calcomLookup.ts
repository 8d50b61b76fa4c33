import type { ReconcileLookup } from '../domain';
import type { CalcomClient } from './ports/calcom';

/** GET /v2/bookings/{uid} as the decider reads it: what Cal.com holds, or that it could not say. */
export const lookUpCalcomBooking = async (calcom: CalcomClient, uid: string | undefined): Promise<ReconcileLookup> => {
  if (!uid) return { outcome: 'not_looked_up' };
  const result = await calcom.getBooking(uid);
  if (result.outcome === 'found') {
    const { status, metadata, rescheduledToUid } = result.booking;
    return { outcome: 'found', calcomStatus: status, metadataCallId: metadata.call_id, ...(rescheduledToUid !== undefined && { rescheduledToUid }) };
  }
  return { outcome: result.outcome === 'not_found' ? 'not_found' : 'unreachable' };
};

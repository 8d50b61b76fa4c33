import type { ReconcileLookup } from '../domain';
import type { CalcomClient } from './ports/calcom';

/** GET /v2/bookings/{uid} as the decider reads it: what Cal.com holds, or that it could not say. */
export const lookUpCalcomBooking = async (calcom: CalcomClient, uid: string | undefined): Promise<ReconcileLookup> => {
  if (!uid) return { outcome: 'not_looked_up' };
  const result = await calcom.getBooking(uid);
  if (result.outcome === 'found') return { outcome: 'found', calcomStatus: result.booking.status, metadataCallId: result.booking.metadata.call_id };
  return { outcome: result.outcome === 'not_found' ? 'not_found' : 'unreachable' };
};

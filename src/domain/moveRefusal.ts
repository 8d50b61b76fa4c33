import { isSlotUnavailable } from './classifyRejection';
import type { CalcomFailureReason } from './commands';
import type { moveFailureReasons } from './events/moveEvents';

type MoveFailureReason = (typeof moveFailureReasons)[number];

/**
 * Why Cal.com did not move a booking, read from what API v2's reschedule answers
 * (apps/api/v2/src/ee/bookings/2024-08-13/services/bookings.service.ts, RegularBookingService.ts):
 * 400 "…because it has been cancelled…" (also "…cancelled and rescheduled already…"), 403 "Rescheduling is
 * not allowed within the minimum notice period…", 400 slot taken / outside the window / in the past as
 * for a create, 401/403 a refused API key. Failures before any answer sent nothing.
 */
export const moveFailureReason = (reason: Exclude<CalcomFailureReason, 'timeout' | 'server_error'>, httpStatus: number | undefined, message: string): MoveFailureReason => {
  if (reason !== 'rejected' || httpStatus === undefined) return 'not_sent';
  if (/minimum notice/i.test(message)) return 'too_late';
  if (/has been cancelled/i.test(message) || httpStatus === 404) return 'not_reschedulable';
  if (httpStatus === 401 || httpStatus === 403) return 'unauthorized';
  if (isSlotUnavailable(httpStatus, message)) return 'slot_unavailable';
  return 'refused';
};

/**
 * Cal.com answers a taken slot with 400 "…already has booking at this time or is not available",
 * a full seated slot with 409, and a racing duplicate with 409 "booking_conflict".
 */
const SLOT_GONE = [/already has booking/i, /not available/i, /no_available_users_found/i, /booking_conflict/i, /no more seats/i, /already exists/i];

export const isSlotUnavailable = (httpStatus: number, message: string): boolean =>
  httpStatus === 409 || (httpStatus === 400 && SLOT_GONE.some((pattern) => pattern.test(message)));

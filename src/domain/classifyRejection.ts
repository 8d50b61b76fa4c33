/**
 * What a Cal.com refusal (4xx) of a create means for the caller, read from the message Cal.com's API v2
 * builds (apps/api/v2/.../errors.service.ts, zod-exception.filter.ts, getBookingResponsesSchema.ts):
 * - the slot is gone: taken ("…already has booking at this time or is not available", teams: "One of the
 *   hosts…"), outside the booking window or the minimum notice ("…can't be booked at the "start" time
 *   provided…"), in the past, no host free, no seat left;
 * - a required booking field of the event type that we do not fill (`{field}error_required_field`): the
 *   event type is set up for a form, not for the agent — a configuration error;
 * - the phone number was refused (`{attendeePhoneNumber}invalid_number`): ask the caller again;
 * - the API key is wrong (401/403): a configuration error.
 */
export type Refusal =
  | { kind: 'slot_unavailable' }
  | { kind: 'booking_field_required'; field: string }
  | { kind: 'invalid_phone' }
  | { kind: 'unauthorized' }
  | { kind: 'other' };

const SLOT_GONE = [
  /already has booking/i,
  /not available/i,
  /can't be booked at the "?start"? time/i,
  /in the past/i,
  /no_available_users_found/i,
  /no more seats/i,
  /already exists/i,
];

export const classifyRefusal = (httpStatus: number, message: string): Refusal => {
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'unauthorized' };
  const required = /\{([\w.-]{1,64})\}error_required_field/.exec(message);
  if (required) return { kind: 'booking_field_required', field: required[1]! };
  if (/\{attendeePhoneNumber\}invalid_number|\{[\w.-]*phone[\w.-]*\}invalid_number/i.test(message)) return { kind: 'invalid_phone' };
  if (httpStatus === 409 || (httpStatus === 400 && SLOT_GONE.some((pattern) => pattern.test(message)))) return { kind: 'slot_unavailable' };
  return { kind: 'other' };
};

export const isSlotUnavailable = (httpStatus: number, message: string): boolean => classifyRefusal(httpStatus, message).kind === 'slot_unavailable';

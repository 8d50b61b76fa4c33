import type { AxiosRequestConfig } from 'axios';
import type { CalcomMetadata, CreateBookingInput, RescheduleBookingInput } from '../../application/ports/calcom';

/** Cal.com's metadata limits (validate-metadata.ts): more keys, longer keys or values are refused with a 400. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** The metadata as Cal.com accepts it; a value over the limits is our bug, so it fails loudly here. */
export const checkedMetadata = (metadata: CalcomMetadata): CalcomMetadata => {
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_LIMITS.keys) throw new Error(`Cal.com metadata has ${entries.length} keys (at most ${METADATA_LIMITS.keys})`);
  for (const [key, value] of entries) {
    if (key.length > METADATA_LIMITS.keyLength) throw new Error(`Cal.com metadata key "${key.slice(0, 50)}" is longer than ${METADATA_LIMITS.keyLength}`);
    if (typeof value === 'string' && value.length > METADATA_LIMITS.valueLength) throw new Error(`Cal.com metadata value of "${key}" is longer than ${METADATA_LIMITS.valueLength}`);
  }
  return metadata;
};

/** The HTTP requests of Cal.com API v2, relative to the client's baseUrl (e.g. https://api.cal.com/v2). */

const BOOKINGS_API_VERSION = '2024-08-13';
const SLOTS_API_VERSION = '2024-09-04';
const EVENT_TYPES_API_VERSION = '2024-06-14';
const JSON_BODY = { 'Content-Type': 'application/json' };

const bookingPath = (uid: string): string => `/bookings/${encodeURIComponent(uid)}`;

export function createBookingRequest(input: CreateBookingInput): AxiosRequestConfig {
  const { name, timeZone, email, phoneNumber, language } = input.attendee;
  const attendee = {
    name,
    timeZone,
    ...(email !== undefined && { email }),
    ...(phoneNumber !== undefined && { phoneNumber }),
    ...(language !== undefined && { language }),
  };
  return {
    method: 'POST',
    url: '/bookings',
    headers: { 'cal-api-version': BOOKINGS_API_VERSION, ...JSON_BODY },
    data: {
      start: input.start,
      eventTypeId: input.eventTypeId,
      attendee,
      metadata: checkedMetadata(input.metadata),
      ...(input.bookingFieldsResponses && Object.keys(input.bookingFieldsResponses).length > 0 && { bookingFieldsResponses: input.bookingFieldsResponses }),
    },
  };
}

export function getBookingRequest(uid: string): AxiosRequestConfig {
  return { method: 'GET', url: bookingPath(uid), headers: { 'cal-api-version': BOOKINGS_API_VERSION } };
}

export function getSlotsRequest(input: { eventTypeId: number; start: string; end: string; timeZone: string }): AxiosRequestConfig {
  return {
    method: 'GET',
    url: '/slots',
    headers: { 'cal-api-version': SLOTS_API_VERSION },
    params: { eventTypeId: input.eventTypeId, start: input.start, end: input.end, timeZone: input.timeZone },
  };
}

export function getEventTypeRequest(eventTypeId: number): AxiosRequestConfig {
  return { method: 'GET', url: `/event-types/${eventTypeId}`, headers: { 'cal-api-version': EVENT_TYPES_API_VERSION } };
}

export function findBookingsRequest(input: { attendeeEmail: string; eventTypeId: number; afterStart: string; beforeEnd: string }): AxiosRequestConfig {
  return {
    method: 'GET',
    url: '/bookings',
    headers: { 'cal-api-version': BOOKINGS_API_VERSION },
    params: { attendeeEmail: input.attendeeEmail, eventTypeId: input.eventTypeId, afterStart: input.afterStart, beforeEnd: input.beforeEnd, take: 100 },
  };
}

export function cancelBookingRequest(uid: string, reason: string): AxiosRequestConfig {
  return {
    method: 'POST',
    url: `${bookingPath(uid)}/cancel`,
    headers: { 'cal-api-version': BOOKINGS_API_VERSION, ...JSON_BODY },
    data: { cancellationReason: reason },
  };
}

/** RescheduleBookingInput_2024_08_13: `start` and an optional reason; Cal.com copies attendee, responses and metadata. */
export function rescheduleBookingRequest(input: RescheduleBookingInput): AxiosRequestConfig {
  return {
    method: 'POST',
    url: `${bookingPath(input.uid)}/reschedule`,
    headers: { 'cal-api-version': BOOKINGS_API_VERSION, ...JSON_BODY },
    data: { start: input.start, ...(input.reason !== undefined && { reschedulingReason: input.reason }) },
  };
}

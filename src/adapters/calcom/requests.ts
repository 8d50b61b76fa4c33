import type { AxiosRequestConfig } from 'axios';
import type { CreateBookingInput } from '../../application/ports/calcom';

/** The HTTP requests of Cal.com API v2, relative to the client's baseUrl (e.g. https://api.cal.com/v2). */

const BOOKINGS_API_VERSION = '2024-08-13';
const SLOTS_API_VERSION = '2024-09-04';
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
    data: { start: input.start, eventTypeId: input.eventTypeId, attendee, metadata: input.metadata },
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

export function cancelBookingRequest(uid: string, reason: string): AxiosRequestConfig {
  return {
    method: 'POST',
    url: `${bookingPath(uid)}/cancel`,
    headers: { 'cal-api-version': BOOKINGS_API_VERSION, ...JSON_BODY },
    data: { cancellationReason: reason },
  };
}

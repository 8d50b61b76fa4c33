import type { Booking } from '../domain';
import type { AgentAnswer } from './agentAnswer';
import { localParts } from './localTime';
import { messages, type Language } from './messages';
import type { Service } from './practice';

/**
 * A caller with several bookings that match what they said: the agent reads them out (day and time,
 * never a booking id the caller would have to say) and asks which one; the next call names its date and time.
 */
export const whichBookingAnswer = (bookings: readonly Booking[], services: readonly Service[], timeZone: string, language: Language): AgentAnswer => {
  const matches = bookings.map((b) => {
    const service = services.find((s) => s.eventTypeId === b.eventTypeId && !s.anyName);
    return { ...localParts(b.slotStart!, timeZone), ...(service && { service: service.names[language][0] ?? service.id }) };
  });
  return { success: false, status: 'several_found', message: messages[language].whichBooking(matches), matches };
};

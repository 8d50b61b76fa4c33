import type { Attendee } from './events';

/** The per-call placeholder address: unique to the call, never one shared fallback (the incident's trigger). */
export const placeholderEmail = (callId: string, placeholderDomain: string): string =>
  `call-${callId.toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 60)}@${placeholderDomain}`;

/**
 * Who Cal.com sees as the attendee. Always an email (Cal.com's default event types require one): the
 * caller's, else an address unique to this call. The phone number (E.164) goes along when known.
 */
export const attendeeIdentity = (
  caller: { name: string; email?: string; phone?: string },
  callId: string,
  placeholderDomain: string,
): Attendee => ({
  name: caller.name,
  email: caller.email ? caller.email.trim().toLowerCase() : placeholderEmail(callId, placeholderDomain),
  ...(caller.phone && { phoneNumber: caller.phone }),
});

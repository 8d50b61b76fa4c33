import type { Attendee } from './events';

/**
 * Who Cal.com sees as the attendee. Never one shared fallback address (the incident's trigger):
 * the caller's email; else their phone number; else an address unique to this call.
 */
export const attendeeIdentity = (
  caller: { name: string; email?: string; phone?: string },
  callId: string,
  placeholderDomain: string,
): Attendee => {
  if (caller.email) return { name: caller.name, email: caller.email.trim().toLowerCase() };
  if (caller.phone) return { name: caller.name, phoneNumber: caller.phone.replace(/[^\d+]/g, '') };
  const local = callId.toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 60);
  return { name: caller.name, email: `call-${local}@${placeholderDomain}` };
};

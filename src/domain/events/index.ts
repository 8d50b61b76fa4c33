import { z } from 'zod';
import { BookingMarkedUnconfirmed, CalcomBookingLookedUp } from './reconciliationEvents';
import { BookingRequested, CalcomRequestFailed, CalcomResponded, SlotUnavailable } from './requestEvents';
import { CalcomBookingAccepted, CalcomUidClaimed, DuplicateDetected } from './verificationEvents';
import {
  BookingCancelled,
  BookingConfirmedByWebhook,
  BookingRejected,
  BookingRescheduled,
  HostConfirmationRequested,
  WebhookMismatchRecorded,
} from './webhookEvents';

export * from './common';

export const bookingEventSchema = z.discriminatedUnion('type', [
  BookingRequested,
  CalcomResponded,
  SlotUnavailable,
  CalcomRequestFailed,
  CalcomBookingAccepted,
  DuplicateDetected,
  BookingConfirmedByWebhook,
  WebhookMismatchRecorded,
  HostConfirmationRequested,
  BookingCancelled,
  BookingRejected,
  BookingRescheduled,
  CalcomBookingLookedUp,
  BookingMarkedUnconfirmed,
]);
export type BookingEvent = z.infer<typeof bookingEventSchema>;
export type BookingEventType = BookingEvent['type'];
export type EventOf<T extends BookingEventType> = Extract<BookingEvent, { type: T }>;

export { CalcomUidClaimed };
export type CalcomUidClaimedEvent = z.infer<typeof CalcomUidClaimed>;

/** The current schema version of every event type; an older stored version is upcast on read. */
export const currentSchemaVersion = (_type: string): number => 1;
export * from './deliveryEvents';

import { z } from 'zod';
import { BookingMoveFailed, BookingMoveRequested, CalcomMoveAccepted, CalcomMoveLocated, CalcomMoveOutcomeUnknown } from './moveEvents';
import { BookingMarkedUnconfirmed, CalcomBookingLookedUp } from './reconciliationEvents';
import { BookingRequested, BookingResumeStarted, CalcomBookingSearched, CalcomRequestFailed, CalcomResponded, SlotUnavailable } from './requestEvents';
import { CalcomBookingAccepted, CalcomUidClaimed, CalcomUidReleased, DuplicateDetected } from './verificationEvents';
import {
  BookingCancelled,
  BookingConfirmedByWebhook,
  BookingRejected,
  BookingRescheduled,
  HostAcceptanceReceived,
  HostConfirmationRequested,
  RescheduleRequested,
  WebhookMismatchRecorded,
} from './webhookEvents';

export * from './common';
export { moveFailureReasons } from './moveEvents';

export const bookingEventSchema = z.discriminatedUnion('type', [
  BookingRequested,
  CalcomResponded,
  SlotUnavailable,
  CalcomRequestFailed,
  CalcomBookingSearched,
  BookingResumeStarted,
  CalcomBookingAccepted,
  DuplicateDetected,
  BookingConfirmedByWebhook,
  WebhookMismatchRecorded,
  HostConfirmationRequested,
  HostAcceptanceReceived,
  BookingCancelled,
  BookingRejected,
  BookingRescheduled,
  RescheduleRequested,
  CalcomBookingLookedUp,
  BookingMarkedUnconfirmed,
  BookingMoveRequested,
  CalcomMoveAccepted,
  BookingMoveFailed,
  CalcomMoveOutcomeUnknown,
  CalcomMoveLocated,
]);
export type BookingEvent = z.infer<typeof bookingEventSchema>;
export type BookingEventType = BookingEvent['type'];
export type EventOf<T extends BookingEventType> = Extract<BookingEvent, { type: T }>;

export { CalcomUidClaimed, CalcomUidReleased };
export type CalcomUidClaimedEvent = z.infer<typeof CalcomUidClaimed>;
export type CalcomUidReleasedEvent = z.infer<typeof CalcomUidReleased>;

/**
 * The current schema version of each event type (1 unless listed); an older stored version is upcast on
 * read (src/application/upcasters.ts). v2: BookingRequested gained `callerNumber` (v3: `practiceId`), CalcomRequestFailed `refusal`, CalcomBookingLookedUp `purpose` (v3: `rescheduledToUid`),
 * BookingConfirmedByWebhook `via`, BookingRescheduled `awaitingHost`, CalcomWebhookReceived `from`.
 */
const schemaVersions: Record<string, number> = {
  BookingRequested: 3,
  CalcomRequestFailed: 2,
  CalcomBookingLookedUp: 3,
  BookingConfirmedByWebhook: 2,
  BookingRescheduled: 2,
  CalcomWebhookReceived: 2,
};
export const currentSchemaVersion = (type: string): number => schemaVersions[type] ?? 1;
export * from './deliveryEvents';
export * from './callEvents';
export * from './auditEvents';

import type { Attendee } from './events';

/** `now` is passed in so the decider stays pure and replayable. */
export type BookingCommand =
  | {
      type: 'RequestBooking';
      data: {
        bookingId: string;
        callId: string;
        eventTypeId: number;
        slotStart: string;
        timeZone: string;
        service?: string;
        language: 'de' | 'en';
        attendee: Attendee;
        callerNumber?: string;
        practiceId: string;
        now: string;
      };
    }
  | {
      type: 'RecordCalcomAnswer';
      data: {
        answer: CalcomAnswer;
        /** Who holds the `calcom-uid-<uid>` claim, if anyone (read or won just before). */
        uidOwner?: string;
        now: string;
      };
    }
  | {
      type: 'RecordCalcomFailure';
      data: { reason: CalcomFailureReason; httpStatus?: number; message: string; latencyMs: number; now: string };
    }
  | {
      type: 'RecordWebhook';
      data: {
        delivery: WebhookDelivery;
        /** Who holds the claim of the delivery's uid (after the use case's claim attempt), if anyone. */
        uidOwner?: string;
        /** GET /v2/bookings/{uid}, made when `needsHostAcceptanceLookup` says the delivery needs one. */
        lookup?: ReconcileLookup;
        now: string;
      };
    }
  | { type: 'VerifyHostAcceptance'; data: { lookup: ReconcileLookup; now: string } }
  | { type: 'StartResume'; data: { graceMs: number; trigger: 'resumer' | 'retried_call'; now: string } }
  | { type: 'LookUpAtCallEnd'; data: { lookup: ReconcileLookup; now: string } }
  | {
      type: 'RecordCalcomSearch';
      data: {
        purpose: 'unknown_outcome' | 'resume';
        /** The create's failure that made the outcome unknown (unknown_outcome only). */
        failure?: { reason: CalcomFailureReason; httpStatus?: number; message: string; latencyMs: number };
        search: CalcomSearch;
        /** Who holds the found booking's uid claim (claimed just before when it carries our booking_ref). */
        uidOwner?: string;
        now: string;
      };
    }
  /** `uid`: the uid Cal.com cancelled (the use case's `cancellableUid` when it asked; default: the state's). */
  | { type: 'RecordAgentCancellation'; data: { uid?: string; reason?: string; now: string } }
  /** Cal.com's cancel did not answer 200; what a lookup of `uid` then found (default: the state's `cancellableUid`). */
  | { type: 'RecordCancelLookup'; data: { uid?: string; lookup: ReconcileLookup; reason?: string; now: string } }
  /** reschedule_appointment: `moveId` is the same for every delivery of one function call. */
  | { type: 'RequestMove'; data: { moveId: string; byCallId: string; toSlotStart: string; now: string } }
  | {
      type: 'RecordMoveAnswer';
      data: {
        moveId: string;
        answer: CalcomAnswer & { rescheduledFromUid?: string };
        /** Who holds the claim of the answer's uid (claimed just before when it looks like this booking moved). */
        uidOwner?: string;
        now: string;
      };
    }
  | {
      /** A lookup of where a move whose answer was lost went: `booking` is what Cal.com holds at the old uid's `rescheduledToUid`. */
      type: 'RecordMoveLocation';
      data: {
        moveId: string;
        booking: MovedBooking & { calcomBookingId: number; status: string };
        /** Who holds the claim of `booking.uid` (claimed just before when it looks like this booking moved). */
        uidOwner?: string;
        /** What looked the old uid up: a cancel, or the reconciler. */
        purpose: 'cancel' | 'reconcile';
        now: string;
      };
    }
  | { type: 'RecordMoveFailure'; data: { moveId: string; reason: CalcomFailureReason; httpStatus?: number; message: string; latencyMs: number; now: string } }
  | {
      type: 'Reconcile';
      data: { lookup: ReconcileLookup; windowMs: number; now: string };
    };

/** A booking Cal.com answered or holds, as far as telling whether it is a move of ours (decideMove.ts). */
export type MovedBooking = Pick<CalcomAnswer, 'uid' | 'metadata' | 'start'> & { rescheduledFromUid?: string };

export type CalcomFailureReason = 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'circuit_open' | 'rejected';

export interface CalcomAnswer {
  httpStatus: number;
  uid: string;
  calcomBookingId: number;
  status: string;
  start: string;
  createdAt?: string;
  metadata: Record<string, string>;
  attendees: Attendee[];
  latencyMs: number;
}

export type WebhookTrigger = 'BOOKING_CREATED' | 'BOOKING_REQUESTED' | 'BOOKING_CANCELLED' | 'BOOKING_REJECTED' | 'BOOKING_RESCHEDULED';

export interface WebhookDelivery {
  deliveryId: string;
  triggerEvent: WebhookTrigger;
  uid: string;
  /** BOOKING_RESCHEDULED (and a BOOKING_REQUESTED for a new time): the old uid. */
  rescheduleUid?: string;
  /** BOOKING_CANCELLED: the host asks the attendee to pick a new time (requestReschedule / rescheduleRequested). */
  rescheduleRequested?: boolean;
  calcomBookingId?: number;
  startTime?: string;
  metadata: Record<string, string>;
  reason?: string;
  /** The webhook's own `createdAt`: when Cal.com generated it. */
  createdAt: string;
}

/** What GET /v2/bookings found for this booking: only a booking carrying our booking_ref counts. */
export type CalcomSearch =
  | { outcome: 'found'; uid: string; calcomBookingId: number; status: string }
  | { outcome: 'none' | 'unreachable' };

export type ReconcileLookup =
  /** `rescheduledToUid`: Cal.com moved this booking to another uid (the old one is then CANCELLED). */
  | { outcome: 'found'; calcomStatus: string; metadataCallId?: string; rescheduledToUid?: string }
  | { outcome: 'not_found' | 'not_looked_up' | 'unreachable' };

export class BookingRuleViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BookingRuleViolation';
  }
}

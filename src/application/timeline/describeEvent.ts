import {
  CLOCK_SKEW_ALLOWANCE_MS,
  CalcomUidClaimed,
  CalcomUidReleased,
  callEventSchema,
  deliveryEventSchema,
  type Booking,
  type BookingEvent,
  type EventOf,
} from '../../domain';
import type { StoredEvent } from '../ports/eventStore';
import { upcast } from '../upcasters';
import { relativeTo } from './durations';
import { describeAttendee, maskContactsIn } from './maskContact';
import type { TimelineFlag } from './timelineModel';

/** What the timeline knows when it reaches an event. */
export interface DescribeContext {
  /** The booking's state just before this event (booking events only). */
  booking?: Booking;
  /** The call that owns a booking, as far as the timeline has seen. */
  callOfBooking(bookingId: string): string | undefined;
}

export interface EventDescription {
  bookingId: string | null;
  uid: string | null;
  meaning: string;
  flags: TimelineFlag[];
  warnings: string[];
  details: Record<string, string>;
}

const short = (id: string): string => id.slice(0, 8);
const plain = (meaning: string, details: Record<string, string> = {}, extra: Partial<EventDescription> = {}): EventDescription => ({
  bookingId: null,
  uid: null,
  meaning,
  flags: [],
  warnings: [],
  details,
  ...extra,
});
const defined = (record: Record<string, string | number | undefined | null>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)]));

const normalizeName = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

/** Cal.com's answer, judged the way the decider judges it, so the analyst sees *why* in the answer itself. */
const describeResponse = (event: EventOf<'CalcomResponded'>, booking: Booking | undefined, ctx: DescribeContext): EventDescription => {
  const d = event.data;
  const requestedAt = booking?.requestedAt ?? d.occurredAt;
  const ownCall = booking?.callId ?? d.callId;
  const metaCall = d.metadata.call_id;
  const metaRef = d.metadata.booking_ref;
  const flags: TimelineFlag[] = [];
  const warnings: string[] = [];

  const created = d.createdAt ? Date.parse(d.createdAt) : Number.NaN;
  const age = d.createdAt ? relativeTo(d.createdAt, requestedAt) : undefined;
  if (metaRef !== d.bookingId && (Number.isNaN(created) || created < Date.parse(requestedAt) - CLOCK_SKEW_ALLOWANCE_MS)) {
    flags.push('stale_created_at');
    warnings.push(
      d.createdAt
        ? `STALE createdAt ${d.createdAt}: ${age} this booking was requested (${requestedAt}); Cal.com handed back an existing booking`
        : 'Cal.com gave no createdAt: freshness cannot be shown',
    );
  }
  if (metaCall !== undefined && metaCall !== ownCall) {
    flags.push('foreign_call_id');
    warnings.push(`FOREIGN call_id ${metaCall} in Cal.com's metadata; this call is ${ownCall}`);
  }
  if (metaRef !== undefined && metaRef !== d.bookingId) {
    flags.push('foreign_booking_ref');
    const owner = ctx.callOfBooking(metaRef);
    warnings.push(`FOREIGN booking_ref ${metaRef}${owner ? ` (call ${owner})` : ''}; this booking is ${d.bookingId}`);
  }
  const ours = booking?.attendee;
  if (ours && !d.attendees.some((a) => normalizeName(a.name) === normalizeName(ours.name))) {
    flags.push('other_attendee');
    warnings.push(`OTHER attendee ${d.attendees.map(describeAttendee).join(', ') || '(none)'}; this caller is ${ours.name}`);
  }

  const created_ = d.createdAt ? ` created ${d.createdAt}${age ? ` (${age} this request)` : ''}` : ' without createdAt';
  const forCall = metaCall ? ` for call ${metaCall}` : ' without call_id';
  return {
    bookingId: d.bookingId,
    uid: d.uid,
    meaning: `Cal.com answered HTTP ${d.httpStatus} with uid ${d.uid} (#${d.calcomBookingId}, ${d.status})${created_}${forCall}`,
    flags,
    warnings,
    details: defined({
      httpStatus: d.httpStatus,
      uid: d.uid,
      calcomBookingId: d.calcomBookingId,
      status: d.status,
      createdAt: d.createdAt,
      start: d.start,
      'metadata.call_id': metaCall,
      'metadata.booking_ref': metaRef,
      attendees: d.attendees.map(describeAttendee).join('; '),
      latencyMs: d.latencyMs,
    }),
  };
};

const describeBookingEvent = (event: BookingEvent, ctx: DescribeContext): EventDescription => {
  const booking = ctx.booking;
  const base = { bookingId: event.data.bookingId };
  switch (event.type) {
    case 'BookingRequested': {
      const d = event.data;
      return plain(
        `Booking ${short(d.bookingId)} requested for ${d.slotStart} (event type ${d.eventTypeId}${d.service ? `, ${d.service}` : ''}) for ${describeAttendee(d.attendee)}`,
        defined({ bookingId: d.bookingId, slotStart: d.slotStart, timeZone: d.timeZone, eventTypeId: d.eventTypeId, service: d.service, attendee: describeAttendee(d.attendee), language: d.language }),
        base,
      );
    }
    case 'CalcomResponded':
      return describeResponse(event, booking, ctx);
    case 'CalcomBookingAccepted': {
      const d = event.data;
      const next = d.status === 'pending' ? 'the host must confirm it' : 'waiting for the BOOKING_CREATED webhook to prove it';
      return plain(`Verified as this booking's own: uid ${d.uid} (#${d.calcomBookingId}, ${d.status}); ${next}`, defined({ uid: d.uid, calcomBookingId: d.calcomBookingId, status: d.status }), { ...base, uid: d.uid });
    }
    case 'DuplicateDetected': {
      const d = event.data;
      const c = d.conflicting;
      const ownerCall = (c.ownerBookingId && ctx.callOfBooking(c.ownerBookingId)) ?? c.metadataCallId;
      const owner = c.ownerBookingId ? `booking ${short(c.ownerBookingId)}${ownerCall ? ` (call ${ownerCall})` : ''}` : ownerCall ? `call ${ownerCall}` : 'another booking';
      return {
        ...base,
        uid: c.uid,
        meaning: `DuplicateDetected: ${d.reasons.join(', ')}; uid ${c.uid} belongs to ${owner}. Nothing was booked for this caller`,
        flags: ['duplicate'],
        warnings: [],
        details: defined({
          reasons: d.reasons.join(', '),
          'conflicting.uid': c.uid,
          'conflicting.calcomBookingId': c.calcomBookingId,
          'conflicting.createdAt': c.createdAt,
          'conflicting.metadataCallId': c.metadataCallId,
          'conflicting.metadataBookingRef': c.metadataBookingRef,
          'conflicting.ownerBookingId': c.ownerBookingId,
        }),
      };
    }
    case 'SlotUnavailable':
      return plain(`Cal.com refused the slot (HTTP ${event.data.httpStatus}): ${maskContactsIn(event.data.message)}`, defined({ httpStatus: event.data.httpStatus }), base);
    case 'CalcomRequestFailed': {
      const d = event.data;
      return plain(
        `Cal.com request failed (${d.reason}${d.httpStatus ? `, HTTP ${d.httpStatus}` : ''}, ${d.latencyMs} ms): ${maskContactsIn(d.message)}; the booking may or may not exist`,
        defined({ reason: d.reason, httpStatus: d.httpStatus, latencyMs: d.latencyMs }),
        base,
      );
    }
    case 'BookingConfirmedByWebhook': {
      const d = event.data;
      return {
        ...base,
        uid: d.uid,
        meaning: `Confirmed by BOOKING_CREATED webhook for uid ${d.uid}${d.calcomBookingId ? ` (#${d.calcomBookingId})` : ''}, delivery ${short(d.deliveryId)}${
          d.via === 'host_acceptance' ? ' (host accepted; Cal.com\'s stored booking showed our call_id)' : ''
        }`,
        flags: ['confirmed'],
        warnings: [],
        details: defined({ uid: d.uid, calcomBookingId: d.calcomBookingId, deliveryId: d.deliveryId, via: d.via }),
      };
    }
    case 'WebhookMismatchRecorded': {
      const d = event.data;
      return plain(
        `${d.triggerEvent} webhook for uid ${d.uid} did not prove this booking: ${d.reasons.join(', ')}${d.receivedCallId ? ` (its call_id: ${d.receivedCallId})` : ''}`,
        defined({ triggerEvent: d.triggerEvent, uid: d.uid, reasons: d.reasons.join(', '), receivedCallId: d.receivedCallId, deliveryId: d.deliveryId }),
        { ...base, uid: d.uid, warnings: [`Webhook mismatch: ${d.reasons.join(', ')}`] },
      );
    }
    case 'HostAcceptanceReceived':
      return plain(
        `BOOKING_CREATED without our metadata for this booking's uid ${event.data.uid}: the host accepted; it confirms once Cal.com's stored booking shows our call_id`,
        defined({ uid: event.data.uid, deliveryId: event.data.deliveryId }),
        { ...base, uid: event.data.uid },
      );
    case 'HostConfirmationRequested':
      return plain(`BOOKING_REQUESTED webhook: the host must confirm uid ${event.data.uid}`, defined({ uid: event.data.uid, deliveryId: event.data.deliveryId }), { ...base, uid: event.data.uid });
    case 'BookingCancelled': {
      const d = event.data;
      const by = d.source === 'agent' ? 'by the caller through the agent' : d.source === 'lookup' ? 'found cancelled at Cal.com when the caller asked to cancel' : 'by Cal.com webhook';
      return plain(`Cancelled (${by}) uid ${d.uid}${d.reason ? `: ${maskContactsIn(d.reason)}` : ''}`, defined({ uid: d.uid, source: d.source, deliveryId: d.deliveryId }), { ...base, uid: d.uid });
    }
    case 'BookingRejected':
      return plain(`Rejected by the host (BOOKING_REJECTED) uid ${event.data.uid}${event.data.reason ? `: ${maskContactsIn(event.data.reason)}` : ''}`, defined({ uid: event.data.uid, deliveryId: event.data.deliveryId }), { ...base, uid: event.data.uid });
    case 'BookingRescheduled': {
      const d = event.data;
      const how = d.awaitingHost ? ' (the new time awaits the host\'s confirmation)' : '';
      return plain(`Rescheduled by Cal.com from uid ${d.fromUid} to uid ${d.uid} at ${d.slotStart}${how}`, defined({ fromUid: d.fromUid, uid: d.uid, slotStart: d.slotStart, awaitingHost: String(d.awaitingHost), deliveryId: d.deliveryId }), { ...base, uid: d.uid });
    }
    case 'RescheduleRequested':
      return plain(`The host cancelled uid ${event.data.uid} asking the attendee for a new time${event.data.reason ? `: ${maskContactsIn(event.data.reason)}` : ''}`, defined({ uid: event.data.uid, deliveryId: event.data.deliveryId }), { ...base, uid: event.data.uid });
    case 'BookingResumeStarted':
      return plain(
        `No Cal.com answer recorded: taken up again (attempt ${event.data.attempt}, by the ${event.data.trigger === 'resumer' ? 'resumer' : 'retried function call'}); Cal.com is asked before anything is posted`,
        defined({ attempt: event.data.attempt, trigger: event.data.trigger }),
        { ...base, warnings: ['Interrupted booking resumed'] },
      );
    case 'CalcomBookingSearched': {
      const d = event.data;
      const why = d.purpose === 'resume' ? 'before posting (resuming an interrupted booking)' : 'after a create whose outcome was unknown';
      const found = d.outcome === 'found' ? `found uid ${d.uid} (#${d.calcomBookingId}, ${d.calcomStatus}) with our booking_ref` : d.outcome === 'none' ? 'Cal.com holds no booking of ours' : 'Cal.com could not be reached';
      return plain(`Searched Cal.com ${why}: ${found}`, defined({ purpose: d.purpose, outcome: d.outcome, uid: d.uid, calcomBookingId: d.calcomBookingId, calcomStatus: d.calcomStatus }), { ...base, uid: d.uid ?? null });
    }
    case 'CalcomBookingLookedUp': {
      const d = event.data;
      const moved = d.rescheduledToUid ? `, moved to uid ${d.rescheduledToUid}` : '';
      const found = d.outcome === 'found' ? `found (status ${d.calcomStatus ?? '?'}${moved}${d.metadataCallId ? `, call_id ${d.metadataCallId}` : ''})` : d.outcome.replace(/_/g, ' ');
      const who = { host_acceptance: 'Looked up (to verify the host acceptance)', call_ended: 'The call ended unproven: looked up', cancel: 'Cal.com did not confirm the cancel: looked up', reconcile: 'Reconciler looked up' }[d.purpose];
      return plain(`${who} ${d.uid ? `uid ${d.uid}` : 'the booking'} on Cal.com: ${found}`, defined({ uid: d.uid, outcome: d.outcome, calcomStatus: d.calcomStatus, rescheduledToUid: d.rescheduledToUid, metadataCallId: d.metadataCallId, purpose: d.purpose }), { ...base, uid: d.uid ?? null });
    }
    case 'BookingMoveRequested': {
      const d = event.data;
      const by = d.byCallId !== d.callId ? ` by call ${d.byCallId}` : '';
      return plain(`Move requested${by}: from ${d.fromSlotStart} (uid ${d.fromUid}) to ${d.toSlotStart}`, defined({ moveId: short(d.moveId), byCallId: d.byCallId, fromUid: d.fromUid, fromSlotStart: d.fromSlotStart, toSlotStart: d.toSlotStart }), { ...base, uid: d.fromUid });
    }
    case 'CalcomMoveAccepted': {
      const d = event.data;
      return plain(`Cal.com moved it: new uid ${d.uid} (#${d.calcomBookingId}, ${d.status}) from uid ${d.fromUid}; waiting for the webhook to prove the new time`, defined({ uid: d.uid, fromUid: d.fromUid, calcomBookingId: d.calcomBookingId, status: d.status, httpStatus: d.httpStatus, latencyMs: d.latencyMs }), { ...base, uid: d.uid });
    }
    case 'CalcomMoveLocated': {
      const d = event.data;
      const by = d.purpose === 'cancel' ? 'the cancel' : 'the reconciler';
      return plain(`Found where the move went (${by} looked up uid ${d.fromUid}: rescheduled): new uid ${d.uid} (#${d.calcomBookingId}, ${d.status}); waiting for the webhook to prove the new time`, defined({ uid: d.uid, fromUid: d.fromUid, calcomBookingId: d.calcomBookingId, status: d.status, purpose: d.purpose }), { ...base, uid: d.uid });
    }
    case 'BookingMoveFailed': {
      const d = event.data;
      const why = d.answerReasons?.length ? ` (${d.answerReasons.join(', ')})` : '';
      return plain(`Not moved (${d.reason}${d.httpStatus ? `, HTTP ${d.httpStatus}` : ''}${d.via === 'lookup' ? ', seen by a lookup' : ''}): ${maskContactsIn(d.message)}${why}; the booking stands at its old time`, defined({ reason: d.reason, httpStatus: d.httpStatus, via: d.via, answerReasons: d.answerReasons?.join(', ') }), { ...base, warnings: d.reason === 'not_moved' ? ['Cal.com did not move the booking'] : [] });
    }
    case 'CalcomMoveOutcomeUnknown': {
      const d = event.data;
      return plain(`Cal.com's answer to the move was lost (${d.reason}${d.httpStatus ? `, HTTP ${d.httpStatus}` : ''}, ${d.latencyMs} ms): it may have moved the booking`, defined({ reason: d.reason, httpStatus: d.httpStatus, latencyMs: d.latencyMs }), base);
    }
    case 'BookingMarkedUnconfirmed': {
      const d = event.data;
      return plain(`No confirming webhook after ${Math.round(d.waitedMs / 1000)} s: marked unconfirmed (was ${d.previousStatus})`, defined({ previousStatus: d.previousStatus, waitedMs: d.waitedMs }), {
        ...base,
        warnings: ['Never confirmed by a webhook'],
      });
    }
  }
};

const describeOtherEvent = (stored: StoredEvent, ctx: DescribeContext): EventDescription => {
  if (stored.type === 'CalcomUidClaimed') {
    const claim = CalcomUidClaimed.shape.data.safeParse(stored.data);
    if (claim.success) {
      const d = claim.data;
      return plain(`Claimed Cal.com uid ${d.uid} for booking ${short(d.bookingId)} (the first claimant owns it)`, defined({ uid: d.uid, bookingId: d.bookingId }), { bookingId: d.bookingId, uid: d.uid });
    }
  }
  if (stored.type === 'CalcomUidReleased') {
    const release = CalcomUidReleased.shape.data.safeParse(stored.data);
    if (release.success) {
      const d = release.data;
      return plain(`Released Cal.com uid ${d.uid}: booking ${short(d.bookingId)} moved to uid ${d.movedTo} (the claim stays its own)`, defined({ uid: d.uid, movedTo: d.movedTo, bookingId: d.bookingId }), { bookingId: d.bookingId, uid: d.uid });
    }
  }
  const call = callEventSchema.safeParse({ type: stored.type, data: stored.data });
  if (call.success) {
    const e = call.data;
    if (e.type === 'CallerAnswered') {
      const d = e.data;
      return plain(
        `The caller was told (${d.function}, delivery ${d.delivery}, ${d.status}${d.bookingStatus ? `, booking ${d.bookingStatus}` : ''}, after ${d.latencyMs} ms): "${maskContactsIn(d.message)}"`,
        defined({ function: d.function, delivery: d.delivery, status: d.status, bookingStatus: d.bookingStatus, bookingId: d.bookingId, latencyMs: d.latencyMs }),
        { bookingId: d.bookingId ?? null },
      );
    }
    const d = e.data;
    return plain(`Retell ${d.event}${d.disconnectionReason ? ` (${d.disconnectionReason})` : ''}${d.fromNumberMasked ? ` from ${d.fromNumberMasked}` : ''}`, defined({ event: d.event, agentId: d.agentId, disconnectionReason: d.disconnectionReason }));
  }
  const parsed = deliveryEventSchema.safeParse({ type: stored.type, data: upcast(stored.type, stored.schemaVersion, stored.data) });
  if (parsed.success) {
    const e = parsed.data;
    switch (e.type) {
      case 'CalcomWebhookReceived':
        return plain(
          `Cal.com webhook ${e.data.triggerEvent} received for uid ${e.data.uid ?? '?'}${e.data.callId ? ` with call_id ${e.data.callId}` : ' without call_id'} (delivery ${short(e.data.deliveryId)})`,
          defined({ triggerEvent: e.data.triggerEvent, uid: e.data.uid, 'metadata.call_id': e.data.callId, deliveryId: e.data.deliveryId }),
          { uid: e.data.uid ?? null },
        );
      case 'CalcomWebhookRejected':
        return plain(`Unreadable Cal.com webhook kept verbatim: ${maskContactsIn(e.data.reason)}`, defined({ deliveryId: e.data.deliveryId, truncated: String(e.data.truncated) }), {
          warnings: ['Webhook could not be read'],
        });
      case 'CalcomWebhookIgnored':
        return plain(`Cal.com delivery recorded and ignored: ${maskContactsIn(e.data.reason)}`, defined({ deliveryId: e.data.deliveryId, triggerEvent: e.data.triggerEvent }));
      case 'CalcomWebhookRouted': {
        const call = ctx.callOfBooking(e.data.bookingId);
        return plain(`Webhook delivery ${short(e.data.deliveryId)} routed to booking ${short(e.data.bookingId)}${call ? ` (call ${call})` : ''} via ${e.data.via}`, defined({ deliveryId: e.data.deliveryId, bookingId: e.data.bookingId, via: e.data.via }), {
          bookingId: e.data.bookingId,
        });
      }
      case 'CalcomWebhookOrphaned':
        return plain(
          `Webhook ${e.data.triggerEvent}${e.data.uid ? ` for uid ${e.data.uid}` : ''} matches no booking of ours: ${maskContactsIn(e.data.reason)}`,
          defined({ triggerEvent: e.data.triggerEvent, uid: e.data.uid, 'metadata.call_id': e.data.callId, deliveryId: e.data.deliveryId }),
          { uid: e.data.uid ?? null, warnings: ['Orphaned webhook'] },
        );
      case 'CalcomWebhookAbandoned':
        return plain(`Webhook delivery ${short(e.data.deliveryId)} abandoned, never applied: ${maskContactsIn(e.data.reason)}`, defined({ deliveryId: e.data.deliveryId, attempts: String(e.data.attempts) }), {
          warnings: ['Webhook abandoned'],
        });
    }
  }
  return plain(`${stored.type} (not described by the timeline)`);
};

/** The one-line meaning, highlights and key facts of a stored event. `parsed` is the validated booking event, if it is one. */
export const describeEvent = (stored: StoredEvent, parsed: BookingEvent | undefined, ctx: DescribeContext): EventDescription =>
  parsed ? describeBookingEvent(parsed, ctx) : describeOtherEvent(stored, ctx);

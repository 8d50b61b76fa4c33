import { attendeeIdentity, bookingIdFor, initialState, isStuck } from '../../domain';
import { answerFor, isAnswerable, type AgentAnswer } from '../agentAnswer';
import { handleBookingCommand } from '../bookingRepository';
import type { Language } from '../messages';
import { waitForBooking, type WokenBy } from '../waitForBooking';
import type { RequestContext, UseCaseDeps } from './deps';
import { chooseService } from './chooseService';
import { findAlternatives } from './findAlternatives';
import { resumeBooking } from './resumeBooking';
import { submitToCalcom } from './submitToCalcom';

export interface BookAppointmentInput {
  slotStartUtc: string;
  name: string;
  service?: string;
  email?: string;
  phone?: string;
  language?: Language;
}

/**
 * Record the intent, post to Cal.com once, let the decider judge the answer, then wait a bounded time
 * for the webhook. Retries of the same call (same call id, event type, slot) land on the same booking:
 * they never post again, they wait for and return the same truth.
 */
export const bookAppointment = async (deps: UseCaseDeps, ctx: RequestContext, input: BookAppointmentInput): Promise<AgentAnswer> => {
  const { timeZone, placeholderEmailDomain, confirmationWaitMs, defaultLanguage, practiceId } = deps.settings;
  const chosen = chooseService(deps, input.service, input.language ?? defaultLanguage);
  if ('answer' in chosen) {
    deps.telemetry.bookingAnswered('invalid_input');
    return chosen.answer;
  }
  const eventTypeId = chosen.service.eventTypeId;
  const service = input.service ?? chosen.service.names[input.language ?? defaultLanguage][0];
  const bookingId = bookingIdFor(ctx.callId, eventTypeId, input.slotStartUtc);
  const causation = { correlationId: ctx.requestId, causationId: ctx.requestId };
  // No number given: Retell's trusted caller number (E.164) goes to Cal.com instead.
  const phone = input.phone ?? ctx.callerNumber;
  const attendee = attendeeIdentity({ name: input.name, email: input.email, phone }, ctx.callId, placeholderEmailDomain);

  // The wait listens before the request is recorded and posted, and starts from the state that left:
  // it reads the booking again only once a later append (the webhook) is signalled.
  const recordAndSubmit = async () => {
    const requested = await handleBookingCommand(
      deps.store,
      bookingId,
      {
        type: 'RequestBooking',
        data: {
          bookingId,
          callId: ctx.callId,
          eventTypeId,
          slotStart: new Date(input.slotStartUtc).toISOString(),
          timeZone,
          service,
          practiceId,
          language: input.language ?? defaultLanguage,
          attendee,
          ...(ctx.callerNumber && { callerNumber: ctx.callerNumber }),
          now: deps.now().toISOString(),
        },
      },
      causation,
      // Decided first as a new booking (most deliveries are a call's first): a retry's append fails on the version and reads the booking.
      { known: { state: initialState(), version: 0 } },
    );
    if (requested.appended.length > 0) {
      deps.hooks?.afterBookingRequested?.();
      return submitToCalcom(deps, bookingId, requested, causation);
    }
    if (isStuck(requested.state, deps.settings.resumeAfterMs, deps.now().toISOString())) {
      // A retry of a call whose first delivery never got a Cal.com answer (its process died): take it up now.
      await resumeBooking(deps, bookingId, 'retried_call');
      return undefined;
    }
    deps.telemetry.log('info', 'Repeated book_appointment joined the existing booking', { bookingId, callId: ctx.callId });
    return requested;
  };

  let wokenBy: WokenBy | undefined;
  const state = await waitForBooking(deps.store, bookingId, isAnswerable, confirmationWaitMs, {
    pollMs: deps.settings.confirmationPollMs,
    onDone: (how) => (wokenBy = how),
    after: recordAndSubmit,
  });
  const needsAlternatives = state.status === 'slot_unavailable' || state.status === 'duplicate';
  const alternatives = needsAlternatives ? await findAlternatives(deps, state.slotStart ?? input.slotStartUtc, eventTypeId) : [];
  const answer = answerFor(state, timeZone, alternatives, input.language ?? state.language);
  deps.telemetry.bookingAnswered(answer.status);
  deps.telemetry.log('info', 'book_appointment answered', { bookingId, callId: ctx.callId, status: answer.status, bookingStatus: state.status, wokenBy });
  return { ...answer, appointment: answer.appointment && { ...answer.appointment, service } };
};

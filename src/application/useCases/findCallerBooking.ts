import { bookingIdFor, type Booking } from '../../domain';
import type { AgentAnswer } from '../agentAnswer';
import { whichBookingAnswer } from '../whichBookingAnswer';
import { loadBooking } from '../bookingRepository';
import { messages, type Language } from '../messages';
import { DEFAULT_PRACTICE_ID, type Service } from '../practice';
import { chooseService } from './chooseService';
import type { RequestContext, UseCaseDeps } from './deps';

export interface BookingLookupInput {
  bookingId?: string;
  /** Date and time of the appointment (UTC). */
  slotStartUtc?: string;
  /** Only a day was given: its bounds in UTC (end exclusive). */
  day?: { startUtc: string; endUtc: string };
  /** The service the caller names (words, matched against the practice's services). */
  service?: string;
  reason?: string;
  language?: Language;
}

export type FoundBooking =
  | { found: 'one'; bookingId: string; state: Booking }
  | { found: 'none' }
  | { found: 'several'; bookings: Booking[] }
  | { found: 'invalid'; answer: AgentAnswer };

/** Bookings a caller who calls back can mean: still standing (a search never offers a cancelled one). */
const STANDING = new Set(['requested', 'awaiting_webhook', 'awaiting_host', 'confirmed', 'unconfirmed', 'reschedule_requested']);
/** At most this many candidates are read from the event store per lookup. */
const MAX_CANDIDATES = 20;

/**
 * May this call touch the booking? Only a booking of the same practice and the same call, or of the
 * same trusted caller number (Retell's `call.from_number`): an id the model supplies proves nothing.
 */
export const mayTouch = (state: Booking, ctx: RequestContext, practiceId: string): boolean =>
  (state.practiceId ?? DEFAULT_PRACTICE_ID) === practiceId &&
  (state.callId === ctx.callId || (ctx.callerNumber !== undefined && state.callerNumber === ctx.callerNumber));

const loadTouchable = async (deps: UseCaseDeps, ctx: RequestContext, bookingId: string): Promise<Booking | undefined> => {
  const { state } = await loadBooking(deps.store, bookingId);
  return state.status !== 'none' && mayTouch(state, ctx, deps.settings.practiceId) ? state : undefined;
};

const missingDetails = (language: Language): FoundBooking => {
  const problems = ['date and time of the appointment are required (or booking_id from an earlier answer)'];
  return { found: 'invalid', answer: { success: false, status: 'invalid_input', message: messages[language].invalid(problems), problems } };
};

/**
 * The caller's booking the arguments describe: by booking id; by this call and slot (the id is
 * deterministic, so no read model is needed right after booking); else among the bookings of this
 * call and the caller's upcoming bookings at this practice (by trusted number), narrowed by slot, day
 * and service. Every candidate is read from the event store: the read model only finds ids.
 */
export const findCallerBooking = async (deps: UseCaseDeps, ctx: RequestContext, input: BookingLookupInput, language: Language): Promise<FoundBooking> => {
  if (input.bookingId !== undefined) {
    const state = await loadTouchable(deps, ctx, input.bookingId);
    return state ? { found: 'one', bookingId: input.bookingId, state } : { found: 'none' };
  }
  let services: readonly Service[] = deps.settings.services;
  if (input.service !== undefined) {
    const chosen = chooseService(deps, input.service, language);
    if ('answer' in chosen) return { found: 'invalid', answer: chosen.answer };
    services = [chosen.service];
  }
  const slot = input.slotStartUtc;
  if (slot !== undefined) {
    for (const service of services) {
      const bookingId = bookingIdFor(ctx.callId, service.eventTypeId, slot);
      const state = await loadTouchable(deps, ctx, bookingId);
      if (state) return { found: 'one', bookingId, state };
    }
  }
  if (slot === undefined && input.day === undefined && input.service === undefined && ctx.callerNumber === undefined) return missingDetails(language);

  const ids = new Set<string>();
  for (const c of (await deps.lookup?.bookingsForCall(ctx.callId)) ?? []) ids.add(c.bookingId);
  if (ctx.callerNumber !== undefined && deps.lookup?.bookingsForCaller) {
    const upcoming = await deps.lookup.bookingsForCaller({ practiceId: deps.settings.practiceId, callerNumber: ctx.callerNumber, after: deps.now() });
    for (const c of upcoming) ids.add(c.bookingId);
  }
  const eventTypes = new Set(services.map((s) => s.eventTypeId));
  const now = deps.now().getTime();
  const matches: Booking[] = [];
  for (const bookingId of [...ids].slice(0, MAX_CANDIDATES)) {
    const state = await loadTouchable(deps, ctx, bookingId);
    if (!state?.slotStart || (state.eventTypeId !== undefined && !eventTypes.has(state.eventTypeId))) continue;
    const at = Date.parse(state.slotStart);
    if (slot !== undefined ? at !== Date.parse(slot) : !STANDING.has(state.status) || at <= now) continue;
    if (input.day && (at < Date.parse(input.day.startUtc) || at >= Date.parse(input.day.endUtc))) continue;
    matches.push(state);
  }
  matches.sort((a, b) => Date.parse(a.slotStart!) - Date.parse(b.slotStart!));
  if (matches.length === 0) return { found: 'none' };
  if (matches.length === 1) return { found: 'one', bookingId: matches[0]!.bookingId!, state: matches[0]! };
  return { found: 'several', bookings: matches };
};

/** The answer when the lookup found not exactly one booking: the problem, the list to choose from, or not_found. */
export const notOneAnswer = (deps: UseCaseDeps, found: Exclude<FoundBooking, { found: 'one' }>, language: Language): AgentAnswer => {
  if (found.found === 'invalid') return found.answer;
  if (found.found === 'several') return whichBookingAnswer(found.bookings, deps.settings.services, deps.settings.timeZone, language);
  return { success: false, status: 'not_found', message: messages[language].notFound() };
};

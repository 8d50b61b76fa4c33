import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import nock from 'nock';
import { fixtureBooking, type ResolvedBooking } from '../../fixtures/calcom/booking';
import { alreadyCancelled, bookingFound, bookingNotFound, bookingOutput, bookingsList, createdBooking, rescheduleCancelled, rescheduledBooking, slots, type ApiAnswer } from '../../fixtures/calcom/apiAnswers';
import schemas from '../../fixtures/calcom/createBookingInput.openapi.json';
import { CALCOM_BASE } from '../../support/testService';

/** A create request exactly as we sent it. */
export interface SentCreate {
  start: string;
  eventTypeId: number;
  attendee: { name: string; email?: string; phoneNumber?: string; timeZone: string; language?: string };
  metadata: Record<string, string>;
  bookingFieldsResponses?: Record<string, string>;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'calcom', ...schemas });
const validateCreate = ajv.compile({ $ref: 'calcom#/components/schemas/CreateBookingInput_2024_08_13' });
const createProperties = Object.keys((schemas.components.schemas.CreateBookingInput_2024_08_13 as { properties: object }).properties);

/**
 * Our create body against Cal.com's published CreateBookingInput_2024_08_13 (the document's oneOf on the
 * create body matches a valid booking twice, so this one schema), and no property the input class lacks
 * (API v2 validates with whitelist + forbidNonWhitelisted).
 */
export const createBodyProblems = (body: unknown): string[] => {
  const problems = validateCreate(body) ? [] : (validateCreate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message}`);
  const unknown = Object.keys(body as object).filter((key) => !createProperties.includes(key));
  return [...problems, ...unknown.map((key) => `${key} is not a property of CreateBookingInput_2024_08_13`)];
};

/** The booking Cal.com would make of our request (times, attendee, metadata and field responses as sent). */
export const bookingFrom = (request: SentCreate, overrides: Partial<ResolvedBooking> = {}): ResolvedBooking =>
  fixtureBooking({
    start: request.start,
    eventTypeId: request.eventTypeId,
    createdAt: new Date().toISOString(),
    attendee: { name: request.attendee.name, email: request.attendee.email ?? '', phoneNumber: request.attendee.phoneNumber, timeZone: request.attendee.timeZone, locale: request.attendee.language },
    metadata: request.metadata,
    responses: request.bookingFieldsResponses ?? {},
    ...overrides,
  });

const reply = (answer: ApiAnswer): [number, string, Record<string, string>] => [answer.status, JSON.stringify(answer.body), answer.headers ?? { 'content-type': 'application/json' }];

/** A reschedule request exactly as we sent it (POST /v2/bookings/{uid}/reschedule). */
export interface SentReschedule {
  uid: string;
  start: string;
  reschedulingReason?: string;
}

/**
 * What Cal.com does with a reschedule (bookings.service.ts rescheduleBooking → handleNewBooking with
 * rescheduleUid): a NEW booking at the new start with the old one's attendee, event type and metadata,
 * `fromReschedule` the old uid; the old booking becomes CANCELLED with `rescheduled: true`. A cancelled
 * booking cannot be moved (400).
 */
const moveBooking = (bookings: Map<string, ResolvedBooking>, request: SentReschedule): ApiAnswer => {
  const old = bookings.get(request.uid);
  if (!old) return bookingNotFound(request.uid, { path: `/v2/bookings/${request.uid}/reschedule` });
  if (old.status === 'CANCELLED') return rescheduleCancelled(request.uid);
  const { id: _id, uid: _uid, end: _end, videoCallUrl: _video, ...kept } = old;
  const moved = fixtureBooking({ ...kept, start: request.start, createdAt: new Date().toISOString(), fromReschedule: old.uid });
  bookings.set(moved.uid, moved);
  bookings.set(old.uid, { ...old, status: 'CANCELLED', rescheduled: true });
  return rescheduledBooking(moved, old.uid);
};

/**
 * Cal.com API v2 at the HTTP boundary (nock), answering with the fixtures shaped from Cal.com's source.
 * Creates answer `onCreate` (default: a new booking made of the request), reschedules `onReschedule`
 * (default: what Cal.com does, see moveBooking), cancels mark the booking cancelled; the bookings it
 * made are found by GET /v2/bookings/{uid} and GET /v2/bookings; slots answer `freeSlots`. One stand-in
 * per Cal.com account (`base`): every request's API key is recorded in `apiKeys`.
 */
export const calcomStandIn = (base = CALCOM_BASE) => {
  const creates: SentCreate[] = [];
  const reschedules: SentReschedule[] = [];
  /** The uid of every cancel request (POST /v2/bookings/{uid}/cancel). */
  const cancels: string[] = [];
  const apiKeys: string[] = [];
  const bookings = new Map<string, ResolvedBooking>();
  const state = {
    onCreate: (request: SentCreate): ApiAnswer | Promise<ApiAnswer> => {
      const booking = bookingFrom(request);
      bookings.set(booking.uid, booking);
      return createdBooking(booking);
    },
    onReschedule: (request: SentReschedule): ApiAnswer => moveBooking(bookings, request),
    freeSlots: {} as Record<string, string[]>,
    lookups: [] as string[],
    searches: [] as string[],
  };
  const recordKey = function (this: { req: { headers: Record<string, string | string[] | undefined> } }) {
    apiKeys.push(String(this.req.headers.authorization ?? '').replace(/^Bearer /, ''));
  };
  nock(base)
    .persist()
    .post('/v2/bookings')
    .reply(async function (_uri, body) {
      recordKey.call(this);
      creates.push(body as SentCreate);
      return reply(await state.onCreate(body as SentCreate));
    })
    .post(/^\/v2\/bookings\/[^/]+\/reschedule$/)
    .reply(function (uri, body) {
      recordKey.call(this);
      const request = { uid: decodeURIComponent(uri.split('/')[3]!), ...(body as { start: string; reschedulingReason?: string }) };
      reschedules.push(request);
      return reply(state.onReschedule(request));
    })
    .post(/^\/v2\/bookings\/[^/]+\/cancel$/)
    .reply(function (uri) {
      recordKey.call(this);
      const uid = decodeURIComponent(uri.split('/')[3]!);
      cancels.push(uid);
      const booking = bookings.get(uid);
      if (!booking) return reply(bookingNotFound(uid));
      if (booking.status === 'CANCELLED') return reply(alreadyCancelled());
      bookings.set(uid, { ...booking, status: 'CANCELLED' });
      return reply({ status: 200, body: { status: 'success', data: bookingOutput({ ...booking, status: 'CANCELLED' }) } });
    })
    .get(/^\/v2\/bookings\/[^/?]+$/)
    .reply((uri) => {
      const uid = decodeURIComponent(uri.split('/').pop()!);
      state.lookups.push(uid);
      const booking = bookings.get(uid);
      // output.service.ts: a rescheduled booking's output names the booking it was moved to (getByFromReschedule).
      const movedTo = booking?.rescheduled ? [...bookings.values()].find((b) => b.fromReschedule === uid)?.uid : undefined;
      return reply(booking ? bookingFound(booking, movedTo ? { rescheduledToUid: movedTo } : {}) : bookingNotFound(uid));
    })
    .get('/v2/bookings')
    .query(true)
    .reply((uri) => {
      const q = new URL(uri, CALCOM_BASE).searchParams;
      state.searches.push(q.toString());
      const found = [...bookings.values()].filter((b) => b.attendee.email === q.get('attendeeEmail') && String(b.eventTypeId) === q.get('eventTypeId'));
      return reply(bookingsList(found));
    })
    .get('/v2/slots')
    .query(true)
    .reply(() => reply(slots(state.freeSlots, 'Europe/Berlin')));
  return {
    creates,
    reschedules,
    cancels,
    apiKeys,
    bookings,
    /** What Cal.com answers the next creates; an answer may wait (for a webhook sent before it, say). */
    answerCreates: (answer: (request: SentCreate) => ApiAnswer | Promise<ApiAnswer>) => void (state.onCreate = answer),
    /** What Cal.com answers the next reschedules (`move` does what Cal.com does). */
    answerReschedules: (answer: (request: SentReschedule, move: (request: SentReschedule) => ApiAnswer) => ApiAnswer) =>
      void (state.onReschedule = (request) => answer(request, (r) => moveBooking(bookings, r))),
    keep: (booking: ResolvedBooking) => void bookings.set(booking.uid, booking),
    setFreeSlots: (days: Record<string, string[]>) => void (state.freeSlots = days),
    lookups: state.lookups,
    searches: state.searches,
  };
};

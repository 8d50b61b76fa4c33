import { given } from '../support/deciderSpecification';
import { BOOKING, CALL, REQUESTED_AT, accepted, requested } from '../support/bookingFixtures';

const at = (ms: number) => new Date(Date.parse(REQUESTED_AT) + ms).toISOString();
const resume = (nowMs: number, trigger: 'resumer' | 'retried_call' = 'resumer') => ({ type: 'StartResume' as const, data: { graceMs: 60_000, trigger, now: at(nowMs) } });

describe('StartResume: a booking that never got a Cal.com answer', () => {
  it('given a request older than the grace time with no answer, when the resumer comes, then it is taken up (attempt 1)', () => {
    given([requested()])
      .when(resume(61_000))
      .then([{ type: 'BookingResumeStarted', data: { bookingId: BOOKING, callId: CALL, occurredAt: at(61_000), attempt: 1, trigger: 'resumer' } }]);
  });

  it('leaves a young request alone: its own POST may still be running', () => {
    given([requested()]).when(resume(30_000)).thenNothingHappens();
  });

  it('lets only one resumer take it up within the grace time, and a later one try again', () => {
    const first = given([requested()]).when(resume(61_000)).events();
    given([requested(), ...first]).when(resume(62_000, 'retried_call')).thenNothingHappens();
    given([requested(), ...first]).when(resume(125_000)).thenMatches([{ type: 'BookingResumeStarted', data: { attempt: 2 } }]);
  });

  it('never takes up a booking that has an answer', () => {
    given([requested(), accepted()]).when(resume(600_000)).thenNothingHappens();
  });

  it('after the resume found nothing at Cal.com, the booking still has no answer: the POST that follows is the only one', () => {
    const started = given([requested()]).when(resume(61_000)).events();
    const searched = given([requested(), ...started]).when({ type: 'RecordCalcomSearch', data: { purpose: 'resume', search: { outcome: 'none' }, now: at(61_500) } }).events();
    expect(searched).toMatchObject([{ type: 'CalcomBookingSearched', data: { purpose: 'resume', outcome: 'none' } }]);
    given([requested(), ...started, ...searched]).when(resume(61_600)).thenState({ status: 'requested', calcomAnswered: false });
  });

  it('takes the booking Cal.com already holds with our booking_ref (the POST had gone out)', () => {
    const started = given([requested()]).when(resume(61_000)).events();
    given([requested(), ...started])
      .when({ type: 'RecordCalcomSearch', data: { purpose: 'resume', search: { outcome: 'found', uid: 'uid-found', calcomBookingId: 7, status: 'accepted' }, uidOwner: BOOKING, now: at(61_500) } })
      .thenState({ status: 'awaiting_webhook', uid: 'uid-found' });
  });
});

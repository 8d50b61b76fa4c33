import type { AgentAnswer } from '../../../application/agentAnswer';
import { messages, type Language } from '../../../application/messages';
import { toE164 } from '../../../application/phoneNumber';
import { bookAppointment } from '../../../application/useCases/bookAppointment';
import { cancelAppointment } from '../../../application/useCases/cancelAppointment';
import { checkAvailability } from '../../../application/useCases/checkAvailability';
import type { RequestContext, UseCaseDeps } from '../../../application/useCases/deps';
import { getBookingStatus } from '../../../application/useCases/getBookingStatus';
import { rescheduleAppointment } from '../../../application/useCases/rescheduleAppointment';
import { parseLanguage } from './argFields';
import { parseAvailabilityArgs, parseBookArgs, parseBookingLookupArgs, type ArgsResult } from './bookingArgs';
import type { FunctionRequest } from './functionRequest';
import { parseRescheduleArgs } from './rescheduleArgs';
import { functionSpecs, type RetellFunctionName } from './functionSpecs';

type Handler = (deps: UseCaseDeps, ctx: RequestContext, args: Record<string, unknown>) => Promise<AgentAnswer>;

const invalid = (language: Language, problems: string[]): AgentAnswer => ({
  success: false,
  status: 'invalid_input',
  message: messages[language].invalid(problems),
  problems,
});

/** Parse the arguments; on problems answer `invalid_input` (HTTP 200: the agent asks the caller again). */
const withArgs =
  <T extends { language?: Language }>(parse: (args: Record<string, unknown>, deps: UseCaseDeps) => ArgsResult<T>, run: (deps: UseCaseDeps, ctx: RequestContext, value: T) => Promise<AgentAnswer>): Handler =>
  async (deps, ctx, args) => {
    const parsed = parse(args, deps);
    return parsed.ok ? run(deps, ctx, parsed.value) : invalid(languageOf(args) ?? deps.settings.defaultLanguage, parsed.problems);
  };

/** The language the call asked for, even when its other arguments are unusable (an English call hears English). */
const languageOf = (args: Record<string, unknown>): Language | undefined => {
  const given = [args.language, args.sprache].find((v) => typeof v === 'string');
  return typeof given === 'string' ? parseLanguage(given.trim()).language : undefined;
};

/** The Retell custom functions this service offers, by name (the same names as `functionSpecs`). */
export const functionHandlers: Record<RetellFunctionName, Handler> = {
  check_availability: withArgs(
    (args, deps) => parseAvailabilityArgs(args, { timeZone: deps.settings.timeZone, now: deps.now(), horizonDays: deps.settings.horizonDays }),
    (deps, _ctx, value) => checkAvailability(deps, value),
  ),
  book_appointment: withArgs(
    (args, deps) => {
      const { timeZone, phoneRegion, horizonDays } = deps.settings;
      const parsed = parseBookArgs(args, { timeZone, now: deps.now(), phoneRegion, horizonDays });
      // bookAppointment counts the answers it gives; an answer about the arguments is a book_appointment answer too.
      if (!parsed.ok) deps.telemetry.bookingAnswered('invalid_input');
      return parsed;
    },
    bookAppointment,
  ),
  get_booking_status: withArgs(
    (args, deps) => parseBookingLookupArgs(args, { timeZone: deps.settings.timeZone, fields: functionSpecs.get_booking_status.fields }),
    getBookingStatus,
  ),
  cancel_appointment: withArgs((args, deps) => parseBookingLookupArgs(args, { timeZone: deps.settings.timeZone }), cancelAppointment),
  reschedule_appointment: withArgs(
    (args, deps) => {
      const parsed = parseRescheduleArgs(args, { timeZone: deps.settings.timeZone, now: deps.now(), horizonDays: deps.settings.horizonDays });
      if (!parsed.ok) deps.telemetry.moveAnswered('invalid_input');
      return parsed;
    },
    rescheduleAppointment,
  ),
};

/** Retell's `call.from_number` as E.164; a number that is not one (e.g. "anonymous") is no identity at all. */
const trustedCallerNumber = (request: FunctionRequest, deps: UseCaseDeps): string | undefined => {
  if (request.fromNumber === undefined) return undefined;
  const phone = toE164(request.fromNumber, deps.settings.phoneRegion);
  return 'e164' in phone ? phone.e164 : undefined;
};

export const runFunction = (name: string, deps: UseCaseDeps, request: FunctionRequest, requestId: string): Promise<AgentAnswer> => {
  const callerNumber = trustedCallerNumber(request, deps);
  return functionHandlers[name as RetellFunctionName](deps, { callId: request.callId, requestId, ...(callerNumber && { callerNumber }) }, request.args);
};

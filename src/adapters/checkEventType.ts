import type { Logger } from 'pino';
import type { CalcomClient } from '../application/ports/calcom';
import { DEFAULT_PRACTICE_ID, type Practice } from '../application/practice';
import { ConfigError, type Config } from './config/config';

/** Booking fields the agent fills: the attendee's name and email, the phone number when known, and the notes field. */
const filledFields = (config: Config) => new Set(['name', 'email', 'attendeePhoneNumber', config.CALCOM_NOTES_FIELD].filter(Boolean));

/**
 * Checks at start that the configured event type is one this service can book truthfully: it exists
 * for this API key and is not seated (a seat shares its booking's uid, which our verification cannot
 * tell from another caller's booking). Required booking fields the agent cannot fill are named in a
 * warning (each booking would be refused). Cal.com unreachable: a warning, and the service starts.
 */
export const checkEventType = async (calcom: CalcomClient, config: Config, practice: Practice, logger: Logger): Promise<void> => {
  if (!config.CALCOM_CHECK_EVENT_TYPE) return;
  for (const service of practice.services) await checkOne(calcom, config, practice, service.eventTypeId, logger);
};

const checkOne = async (calcom: CalcomClient, config: Config, practice: Practice, id: number, logger: Logger): Promise<void> => {
  const setting = practice.id === DEFAULT_PRACTICE_ID ? 'CALCOM_EVENT_TYPE_ID' : `PRACTICES_FILE: practice ${practice.id}`;
  const keySetting = practice.id === DEFAULT_PRACTICE_ID ? 'CALCOM_API_KEY' : `PRACTICES_FILE: practice ${practice.id}: calcom.apiKey`;
  const result = await calcom.getEventType(id);
  switch (result.outcome) {
    case 'found': {
      const { seatsPerTimeSlot, requiresConfirmation, requiredFields } = result.eventType;
      if (seatsPerTimeSlot !== undefined) {
        throw new ConfigError([
          `${setting}: event type ${id} is seated (${seatsPerTimeSlot} seats per slot); seats are not supported (Cal.com answers a seat with the existing booking's uid). Turn seats off or choose another event type.`,
        ]);
      }
      const unfilled = requiredFields.filter((field) => !filledFields(config).has(field));
      if (unfilled.length > 0) {
        logger.warn({ alert: 'calcom_misconfigured', practice: practice.id, eventTypeId: id, fields: unfilled }, `Event type ${id} requires booking fields the agent cannot fill (${unfilled.join(', ')}): Cal.com will refuse every booking. Make them optional.`);
      }
      logger.info({ eventTypeId: id, requiresConfirmation }, requiresConfirmation ? 'Event type requires the host to confirm: callers hear "pending" until the host accepts' : 'Event type checked');
      return;
    }
    case 'not_found':
      throw new ConfigError([`${setting}: Cal.com has no event type ${id} for this API key`]);
    case 'rejected':
      if (result.httpStatus === 401 || result.httpStatus === 403) throw new ConfigError([`${keySetting}: Cal.com refused it (HTTP ${result.httpStatus}: ${result.message})`]);
      logger.warn({ eventTypeId: id, httpStatus: result.httpStatus }, 'Cal.com refused to show the event type; it was not checked');
      return;
    case 'unreachable':
      logger.warn({ eventTypeId: id, reason: result.reason }, 'Cal.com could not be reached to check the event type; starting without the check');
  }
};

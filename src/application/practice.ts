import type { Language } from './messages';
import type { PhoneRegion } from './phoneNumber';

/** One service a practice offers: what callers may call it (German and English), and the Cal.com event type it books. */
export interface Service {
  id: string;
  eventTypeId: number;
  lengthMinutes?: number;
  names: Record<Language, string[]>;
  /** Any words name it: the environment practice's one service, which has no catalogue of names. */
  anyName?: boolean;
}

/** A business the agents book for: its own Cal.com account, time zone, language, services. */
export interface Practice {
  id: string;
  name: string;
  /** Retell agents that speak for this practice (`call.agent_id`). */
  agentIds: string[];
  calcom: { apiUrl: string; apiKey?: string; webhookSecret?: string };
  timeZone: string;
  language: Language;
  placeholderEmailDomain: string;
  phoneRegion: PhoneRegion;
  services: Service[];
}

/** The practice that bookings stored before practices existed belong to (the environment's settings). */
export const DEFAULT_PRACTICE_ID = 'default';

const fold = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * The service a caller's words name: its id, or one of its names or synonyms in either language,
 * ignoring case, accents and punctuation. With a single service, no words at all name it; a service
 * that takes any name takes the words no other service has.
 */
export const matchService = (services: readonly Service[], words: string | undefined): Service | undefined => {
  if (words === undefined || fold(words) === '') return services.length === 1 ? services[0] : undefined;
  const wanted = fold(words);
  return services.find((s) => fold(s.id) === wanted || [...s.names.de, ...s.names.en].some((name) => fold(name) === wanted)) ?? services.find((s) => s.anyName);
};

/** The service names to read out, in the caller's language (the first name of each). */
export const serviceNames = (services: readonly Service[], language: Language): string[] => services.map((s) => s.names[language][0] ?? s.names.de[0] ?? s.id);

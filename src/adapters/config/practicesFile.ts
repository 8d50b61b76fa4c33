import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PRACTICE_ID, type Practice } from '../../application/practice';
import { isPhoneRegion } from '../../application/phoneNumber';
import type { Config } from './config';

const names = z.array(z.string().trim().min(1).max(80)).min(1);

const serviceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a short lower-case id such as zahnreinigung'),
  eventTypeId: z.number().int().positive(),
  lengthMinutes: z.number().int().positive().optional(),
  names: z.object({ de: names, en: names }),
});

const practiceSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short lower-case id such as praxis-mitte'),
  name: z.string().trim().min(1),
  agentIds: z.array(z.string().min(1)).default([]),
  calcom: z.object({ apiUrl: z.url().optional(), apiKey: z.string().min(1), webhookSecret: z.string().min(1).optional() }),
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Berlin'),
  language: z.enum(['de', 'en']).default('de'),
  placeholderEmailDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain such as calls.example.org').optional(),
  phoneRegion: z.string().transform((r) => r.toUpperCase()).refine(isPhoneRegion, 'must be a country code such as DE').optional(),
  services: z.array(serviceSchema).min(1),
});

const fileSchema = z.object({ practices: z.array(practiceSchema).min(1) });

/** `${VAR}` in any string of the file is replaced by that environment variable (secrets stay out of the file). */
const substitute = (value: unknown, env: Record<string, string | undefined>, missing: Set<string>): unknown => {
  if (typeof value === 'string') return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => env[name] ?? (missing.add(name), ''));
  if (Array.isArray(value)) return value.map((v) => substitute(v, env, missing));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env, missing)]));
  return value;
};

/** The practice the environment settings describe (the single-practice set-up), if it has an event type. */
export const environmentPractice = (config: Config): Practice | undefined =>
  config.CALCOM_EVENT_TYPE_ID === undefined
    ? undefined
    : {
        id: DEFAULT_PRACTICE_ID,
        name: 'default',
        agentIds: [],
        calcom: { apiUrl: config.CALCOM_API_URL, apiKey: config.CALCOM_API_KEY, webhookSecret: config.CALCOM_WEBHOOK_SECRET },
        timeZone: config.BOOKING_TIMEZONE,
        language: config.DEFAULT_LANGUAGE,
        placeholderEmailDomain: config.PLACEHOLDER_EMAIL_DOMAIN,
        phoneRegion: config.DEFAULT_PHONE_REGION,
        services: [{ id: 'termin', eventTypeId: config.CALCOM_EVENT_TYPE_ID, names: { de: ['Termin'], en: ['appointment'] }, anyName: true }],
      };

/**
 * Every practice: the environment's (id `default`) and those of PRACTICES_FILE (YAML or JSON), checked at
 * once. Every problem is named (file path, practice, field) in the one error, as for the environment.
 */
export const loadPractices = (config: Config, env: Record<string, string | undefined> = process.env): { practices: Practice[]; problems: string[] } => {
  const fromEnv = environmentPractice(config);
  if (!config.PRACTICES_FILE) return { practices: fromEnv ? [fromEnv] : [], problems: [] };
  let raw: unknown;
  try {
    const text = readFileSync(config.PRACTICES_FILE, 'utf8');
    raw = /\.json$/i.test(config.PRACTICES_FILE) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    return { practices: [], problems: [`PRACTICES_FILE: ${config.PRACTICES_FILE} cannot be read (${(error as Error).message.split('\n')[0]})`] };
  }
  const missing = new Set<string>();
  const parsed = fileSchema.safeParse(substitute(raw, env, missing));
  const problems = [...missing].map((name) => `PRACTICES_FILE: \${${name}} is not set in the environment`);
  if (!parsed.success) {
    const at = (path: PropertyKey[]) => {
      const [first, index, ...rest] = path;
      const id = first === 'practices' && typeof index === 'number' ? ((raw as { practices?: Array<{ id?: unknown }> })?.practices?.[index]?.id ?? `#${index + 1}`) : undefined;
      return id !== undefined ? `practice ${String(id)}${rest.length ? `: ${rest.join('.')}` : ''}` : path.join('.') || 'file';
    };
    problems.push(...parsed.error.issues.map((i) => `PRACTICES_FILE: ${at(i.path)}: ${i.message}`));
    return { practices: [], problems };
  }
  const practices: Practice[] = parsed.data.practices.map((p) => ({
    id: p.id,
    name: p.name,
    agentIds: p.agentIds,
    calcom: { apiUrl: p.calcom.apiUrl ?? config.CALCOM_API_URL, apiKey: p.calcom.apiKey, webhookSecret: p.calcom.webhookSecret },
    timeZone: p.timeZone,
    language: p.language,
    placeholderEmailDomain: p.placeholderEmailDomain ?? config.PLACEHOLDER_EMAIL_DOMAIN,
    phoneRegion: p.phoneRegion ?? config.DEFAULT_PHONE_REGION,
    services: p.services,
  }));
  const all = [...(fromEnv ? [fromEnv] : []), ...practices];
  const seen = new Map<string, string>();
  for (const p of all) {
    if (seen.has(p.id)) problems.push(`PRACTICES_FILE: practice id ${p.id} is used twice${p.id === DEFAULT_PRACTICE_ID ? ' (default is the environment settings\' practice)' : ''}`);
    seen.set(p.id, p.id);
  }
  const agents = new Map<string, string>();
  for (const p of all) {
    for (const agent of p.agentIds) {
      if (agents.has(agent)) problems.push(`PRACTICES_FILE: agent ${agent} belongs to practices ${agents.get(agent)} and ${p.id}`);
      agents.set(agent, p.id);
    }
    const ids = new Set<string>();
    for (const s of p.services) {
      if (ids.has(s.id)) problems.push(`PRACTICES_FILE: practice ${p.id}: service id ${s.id} is used twice`);
      ids.add(s.id);
    }
  }
  return { practices: all, problems };
};

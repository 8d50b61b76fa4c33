import { z } from 'zod';
import { parseBoundedJson } from './boundedJson';
import { isStorableJson } from './storableText';

/** The Retell call webhooks this service records (docs: call_started, call_ended, call_analyzed). */
export const recordedCallEvents = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type RecordedCallEvent = (typeof recordedCallEvents)[number];

const callSchema = z
  .object({
    call_id: z.string().trim().min(1).max(256),
    agent_id: z.string().max(256).optional(),
    from_number: z.string().max(64).optional(),
    disconnection_reason: z.string().max(256).optional(),
  })
  .loose();

const envelope = z.object({ event: z.string().min(1).max(64), call: callSchema }).loose();

export type ReadRetellWebhook =
  | { kind: 'call_event'; event: RecordedCallEvent; call: z.infer<typeof callSchema> }
  | { kind: 'ignored'; event: string }
  | { kind: 'invalid'; problem: string };

/** `{ event, call: { call_id, … } }` (Retell's webhook body); other events (transcript_updated, transfer_*) are ignored. */
export const readRetellWebhook = (raw: string): ReadRetellWebhook => {
  const json = parseBoundedJson(raw);
  if ('problem' in json) return { kind: 'invalid', problem: json.problem };
  if (!isStorableJson(json.value)) return { kind: 'invalid', problem: 'body holds characters that cannot be stored (NUL or an unpaired surrogate)' };
  const parsed = envelope.safeParse(json.value);
  if (!parsed.success) return { kind: 'invalid', problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') };
  const { event, call } = parsed.data;
  if (!(recordedCallEvents as readonly string[]).includes(event)) return { kind: 'ignored', event };
  return { kind: 'call_event', event: event as RecordedCallEvent, call };
};

/** "+4917612345678" -> "+49176•••••678": enough to tell calls apart, not enough to call back. */
export const maskNumber = (number: string): string => (number.length <= 6 ? '•••' : `${number.slice(0, 6)}${'•'.repeat(Math.max(0, number.length - 9))}${number.slice(-3)}`);

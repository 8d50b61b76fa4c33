/**
 * Reading Retell's call object (call_analyzed) for the audit: `transcript_object` is a list of
 * `{ role: 'agent' | 'user', content }`; `transcript_with_tool_calls` adds `{ role: 'tool_call_invocation',
 * name, arguments }` entries; `transcript` is the same as text, "Agent: …" / "User: …" per line.
 */
const BOOKED = /\b(gebucht|eingetragen|bestätigt|booked|confirmed|scheduled)\b/i;
const NEGATED = /\b(nicht|kein|not|couldn't|could not|cannot|unable)\b/i;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const spoken = (utterances: unknown): string[] =>
  Array.isArray(utterances) ? utterances.flatMap((u) => (isRecord(u) && u.role === 'agent' && typeof u.content === 'string' ? [u.content] : [])) : [];

/** The agent's lines: from the structured transcript where it has any, else from the text. */
const agentLines = (call: unknown): string[] => {
  if (!isRecord(call)) return [];
  for (const structured of [call.transcript_object, call.transcript_with_tool_calls]) {
    const lines = spoken(structured);
    if (lines.length > 0) return lines;
  }
  if (typeof call.transcript !== 'string') return [];
  return call.transcript.split('\n').flatMap((line) => (/^agent:/i.test(line.trim()) ? [line.trim().slice(6).trim()] : []));
};

/** The first agent line that says an appointment was booked (and does not say it was not). */
export const agentClaimsABooking = (call: unknown): string | undefined =>
  agentLines(call)
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .find((sentence) => BOOKED.test(sentence) && !NEGATED.test(sentence));

/** Whether the transcript shows the agent invoking book_appointment. */
export const calledBookAppointment = (call: unknown): boolean =>
  isRecord(call) &&
  Array.isArray(call.transcript_with_tool_calls) &&
  call.transcript_with_tool_calls.some((u) => isRecord(u) && u.role === 'tool_call_invocation' && u.name === 'book_appointment');

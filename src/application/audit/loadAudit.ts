import type { EventHistory } from '../ports/eventHistory';
import { auditCalls, type Finding } from './truthAudit';

export const AUDIT_EVENT_LIMIT = 50_000;

/** Every call with an event recorded in [from, to], audited over all of its events. */
export const loadAudit = async (history: EventHistory, options: { from: Date; to: Date; now: Date; settleMs: number }): Promise<{ calls: number; findings: Finding[] }> => {
  const inWindow = await history.eventsRecordedBetween(options.from, options.to, { limit: AUDIT_EVENT_LIMIT });
  const callIds = [...new Set(inWindow.map((e) => e.metadata.callId).filter((id): id is string => typeof id === 'string' && id !== ''))];
  const events = callIds.length ? await history.eventsForCalls(callIds, { limit: AUDIT_EVENT_LIMIT }) : [];
  return { calls: callIds.length, findings: auditCalls(events, { now: options.now, settleMs: options.settleMs }) };
};

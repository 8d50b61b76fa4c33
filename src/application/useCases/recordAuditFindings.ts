import { createHash } from 'node:crypto';
import { truthAuditStreamId } from '../../domain';
import type { Finding } from '../audit/truthAudit';
import { toNewEvent } from '../eventEnvelope';
import { isConcurrencyError } from '../ports/eventStore';
import type { UseCaseDeps } from './deps';

/** A finding is the same finding however often the audit runs: one stream per (kind, call, booking). */
const keyOf = (f: Finding) => createHash('sha256').update(`${f.kind}|${f.callId}|${f.bookingId ?? ''}`).digest('hex').slice(0, 32);

/** Records the findings not recorded before (once each, across instances) and returns those. */
export const recordAuditFindings = async (deps: UseCaseDeps, findings: Finding[]): Promise<Finding[]> => {
  const fresh: Finding[] = [];
  for (const finding of findings) {
    const event = {
      type: 'TruthAuditFindingRecorded',
      data: { occurredAt: deps.now().toISOString(), kind: finding.kind, callId: finding.callId, bookingId: finding.bookingId, toldAt: finding.at, detail: finding.detail },
    };
    try {
      await deps.store.appendToStream(truthAuditStreamId(keyOf(finding)), [toNewEvent(event, { correlationId: finding.callId, causationId: 'truth-audit' }, finding.callId)], { expectedVersion: 'no_stream' });
    } catch (error) {
      if (isConcurrencyError(error)) continue;
      throw error;
    }
    fresh.push(finding);
    deps.telemetry.truthAuditFinding(finding.kind);
    deps.telemetry.log('error', 'Truth audit: what the caller was told and what Cal.com holds disagree', { alert: 'truth_audit_finding', kind: finding.kind, callId: finding.callId, bookingId: finding.bookingId, toldAt: finding.at });
  }
  return fresh;
};

import type { Logger } from 'pino';
import type { AdminSessions } from '../../application/ports/adminSessions';
import type { EventHistory } from '../../application/ports/eventHistory';
import type { ParkedEvent } from '../../application/ports/parkedEvents';
import type { UsedSignatures } from '../../application/ports/usedSignatures';
import type { ReconcileReport } from '../../application/useCases/reconcileBookings';
import type { UseCaseDeps } from '../../application/useCases/deps';
import type { SqlDatabase } from '../sql/sqlDatabase';
import type { Config } from '../config/config';
import type { PracticeDirectory } from './practiceDirectory';
import type { Metrics } from '../telemetry/metrics';

export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string; parked?: number }>;
}

/** Operations an operator (or the CLI with --url) can ask the running service for. */
export interface ServiceOperations {
  reconcileNow(): Promise<ReconcileReport>;
  rebuild(projection?: string): Promise<Array<{ projection: string; events: number; parked: ParkedEvent[] }>>;
}

/** Everything the HTTP adapter needs, built once by the composition root. */
export interface HttpContext {
  config: Config;
  /** The default practice's dependencies (single-practice set-ups; work that is not a practice's). */
  deps: UseCaseDeps;
  /** Every practice, and which one a request is for. */
  practices: PracticeDirectory;
  readModel: SqlDatabase;
  /** History queries for analysts (timeline). */
  history: EventHistory;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Retell signatures accepted, each bound to the function it was used for. */
  usedSignatures: UsedSignatures;
  /** Browser sessions of the analysts' console. */
  adminSessions: AdminSessions;
  operations: ServiceOperations;
}

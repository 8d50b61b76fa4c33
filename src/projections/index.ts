import { applyToAppointments } from './appointmentsProjection';
import { appointmentsSchema } from './schema';
import type { ProjectionApply } from './projectionRunner';

export * from './appointmentsProjection';
export * from './appointmentsQueries';
export * from './callQueries';
export * from './findingQueries';
export * from './parkedEvents';
export * from './projectionRunner';
export * from './schema';

/** What the runner, the CLI's `rebuild` and the server need to know about a projection. */
export interface ProjectionDefinition {
  name: string;
  /** Idempotent DDL for the projection's tables (and the checkpoint table). */
  schema: string;
  apply: ProjectionApply;
  /** Tables emptied by a rebuild. */
  tables: string[];
}

export const appointmentsProjectionDefinition: ProjectionDefinition = {
  name: 'appointments',
  schema: appointmentsSchema,
  apply: applyToAppointments,
  tables: ['bl_appointments', 'bl_uid_touches', 'bl_calls', 'bl_audit_findings', 'bl_webhook_deliveries'],
};

export const projectionDefinitions: ProjectionDefinition[] = [appointmentsProjectionDefinition];
export * from './reconciliationQueries';

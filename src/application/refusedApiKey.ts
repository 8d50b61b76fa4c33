import type { Telemetry } from './ports/telemetry';

/** Cal.com refused our API key: counted and logged as the configuration alert the runbook describes. */
export const reportRefusedApiKey = (telemetry: Telemetry, fields: Record<string, unknown> = {}): void => {
  telemetry.calcomConfigurationError('unauthorized');
  telemetry.log('error', 'Cal.com refused the API key (CALCOM_API_KEY)', { alert: 'calcom_misconfigured', refusal: 'unauthorized', ...fields });
};

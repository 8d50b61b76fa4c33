import type { Timeline } from './timelineModel';

/** The timeline as JSON (the same shape `GET /incidents/timeline` answers with `Accept: application/json`). */
export const renderJson = (timeline: Timeline): string => `${JSON.stringify(timeline, null, 2)}\n`;

import type { TimeBasis } from './timeAxis';

/** How the analyst looks at a timeline in the console: zone, order, filters, and where its links go. */
export interface PageView {
  /** The page's own path (links keep the subject and the settings). */
  path: string;
  /** The subject's query parameters (call_id…, booking_uid, from/to), kept by every link and form. */
  subject: Array<[string, string]>;
  /** The zone times are shown in: the practice's, or UTC. */
  zone: string;
  /** The practice's zone, offered beside UTC (undefined: UTC only). */
  practiceZone: string | undefined;
  order: TimeBasis;
  expandAll: boolean;
  /** Only these event types / calls are shown; empty: all. */
  types: string[];
  calls: string[];
  /** The as-of moment typed or chosen (echoed in the form), and which time it compares. */
  asOf: string | undefined;
  asOfBasis: TimeBasis;
  /** HTML the console puts above the page (its navigation and sign-out form). */
  nav: string;
  /** The console's small script (same origin), or none. */
  scriptSrc: string | undefined;
}

type Setting = 'tz' | 'order' | 'expand' | 'type' | 'call' | 'as_of' | 'as_of_basis' | 'format';

/** A link to this page with the same subject and settings, some of them changed (undefined: dropped). */
export const pageLink = (view: PageView, changes: Partial<Record<Setting, string | string[] | undefined>> = {}): string => {
  const settings: Record<Setting, string | string[] | undefined> = {
    tz: view.zone === 'UTC' ? 'utc' : undefined,
    order: view.order === 'happened' ? 'happened' : undefined,
    expand: view.expandAll ? 'all' : undefined,
    type: view.types,
    call: view.calls,
    as_of: view.asOf,
    as_of_basis: view.asOf && view.asOfBasis === 'happened' ? 'happened' : undefined,
    format: undefined,
    ...changes,
  };
  const query = new URLSearchParams(view.subject);
  for (const [name, value] of Object.entries(settings)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(name, v);
  }
  return `${view.path}?${query}`;
};

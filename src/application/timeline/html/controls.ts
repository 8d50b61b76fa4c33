import type { Timeline } from '../timelineModel';
import { escapeHtml } from './escapeHtml';
import { pageLink, type PageView } from './pageView';
import { shortZoned } from './zonedTime';

const hidden = (name: string, value: string) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
const choice = (name: string, value: string, label: string, checked: boolean) =>
  `<label><input type="radio" name="${name}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}> ${escapeHtml(label)}</label>`;
const box = (name: string, value: string, label: string, checked: boolean) =>
  `<label class="check"><input type="checkbox" name="${name}" value="${escapeHtml(value)}"${checked ? ' checked' : ''}> ${escapeHtml(label)}</label>`;

/** The as-of control: a slider over the whole history (recorded or happened time) and a field to type a moment. */
const asOfControl = (timeline: Timeline, view: PageView): string => {
  const span = view.asOfBasis === 'happened' ? timeline.span.happened : timeline.span.recorded;
  if (!span) return '';
  const first = Date.parse(span.first);
  const last = Date.parse(span.last);
  const current = timeline.asOf ? Math.min(Math.max(Date.parse(timeline.asOf), first), last) : last;
  const shown = timeline.asOf ? shortZoned(timeline.asOf, view.zone) : 'everything (now)';
  return `<fieldset class="as-of"><legend>As of: what did we know at…</legend>
<input type="hidden" name="as_of_was" value="${current}">
<input type="range" id="as-of-slider" name="as_of_ms" min="${first}" max="${last}" step="1" value="${current}" data-zone="${escapeHtml(view.zone)}" aria-label="as of">
<output id="as-of-output" for="as-of-slider">${escapeHtml(shown)}</output>
<label>or type a moment <input type="text" name="as_of" id="as-of-text" value="${escapeHtml(view.asOf ?? '')}" placeholder="${escapeHtml(view.zone === 'UTC' ? '2025-10-06T09:39:00Z' : '2025-10-06 11:39 (page time) or ISO with zone')}" size="28"></label>
${choice('as_of_basis', 'recorded', 'by recorded time (what the system knew)', view.asOfBasis === 'recorded')}
${choice('as_of_basis', 'happened', 'by happened time', view.asOfBasis === 'happened')}
<button type="submit" name="as_of_apply" value="1">Show as of</button>
${timeline.asOf ? `<a class="as-of-clear" href="${escapeHtml(pageLink(view, { as_of: undefined, as_of_basis: undefined }))}">show everything</a>` : ''}
</fieldset>`;
};

/** Settings, filters, as-of and exports: one GET form (works without script; the console script submits on change). */
export const controls = (timeline: Timeline, view: PageView, allTypes: string[], allCalls: string[]): string => {
  const zones = view.practiceZone && view.practiceZone !== 'UTC' ? [view.practiceZone, 'UTC'] : ['UTC'];
  return `<form class="controls" method="get" action="${escapeHtml(view.path)}" data-autosubmit>
${view.subject.map(([k, v]) => hidden(k, v)).join('')}
${view.expandAll ? hidden('expand', 'all') : ''}
<fieldset><legend>Time zone</legend>${zones.map((z) => choice('tz', z === 'UTC' ? 'utc' : 'practice', z === 'UTC' ? 'UTC' : `practice time (${z})`, view.zone === z)).join(' ')}</fieldset>
<fieldset><legend>Order by</legend>${choice('order', 'recorded', 'when recorded', view.order === 'recorded')} ${choice('order', 'happened', 'when it happened', view.order === 'happened')}</fieldset>
<fieldset class="filter-calls"><legend>Calls</legend>${allCalls.map((c) => box('call', c, c, view.calls.length === 0 || view.calls.includes(c))).join(' ')}</fieldset>
<fieldset class="filter-types"><legend>Event types</legend>${allTypes.map((t) => box('type', t, t, view.types.length === 0 || view.types.includes(t))).join(' ')}</fieldset>
${asOfControl(timeline, view)}
<p class="actions"><button type="submit">Apply</button>
<a href="${escapeHtml(pageLink(view, { type: undefined, call: undefined }))}">clear filters</a> ·
<a id="expand-all" href="${escapeHtml(pageLink(view, { expand: view.expandAll ? undefined : 'all' }))}">${view.expandAll ? 'collapse all' : 'expand all'}</a> ·
<a href="#legend">legend</a></p>
<p class="exports">Export: <a id="export-json" href="${escapeHtml(pageLink(view, { format: 'json' }))}">JSON</a> ·
<a id="export-markdown" href="${escapeHtml(pageLink(view, { format: 'markdown' }))}">Markdown</a> ·
raw events: ${timeline.bookings.map((b) => `<a class="raw-events" href="/bookings/${escapeHtml(encodeURIComponent(b.bookingId))}/events">${escapeHtml(b.bookingId.slice(0, 8))}</a>`).join(' ') || 'none'}</p>
</form>`;
};

import { Command, Option } from 'commander';
import type { EventHistory } from '../../application/ports/eventHistory';
import type { ParkedEventLookup } from '../../application/ports/parkedEvents';
import { findParked } from '../../projections';
import { INSTANT_HINT, parseInstant } from '../../application/timeline/instant';
import { DEFAULT_EVENT_LIMIT, loadTimeline } from '../../application/timeline/loadTimeline';
import { renderJson } from '../../application/timeline/renderJson';
import { renderMarkdown } from '../../application/timeline/renderMarkdown';
import { renderText } from '../../application/timeline/renderText';
import type { Timeline, TimelineSubject } from '../../application/timeline/timelineModel';
import { withStores } from './cliContext';
import { EXIT_NOTHING_FOUND } from './exitCodes';
import { UsageError } from './rebuildCommand';
import { ServiceAnswerError, askService, remoteOptions, type RemoteOptions } from './serviceClient';

export type TimelineFormat = 'text' | 'json' | 'md';
export const renderers: Record<TimelineFormat, (timeline: Timeline) => string> = { text: renderText, json: renderJson, md: renderMarkdown };

/** The options as commander hands them over (strings, `call` repeatable). */
export interface TimelineCliOptions {
  call?: string[];
  bookingUid?: string;
  from?: string;
  to?: string;
  asOf?: string;
  asOfBasis?: string;
  format?: string;
  limit?: string;
}

export interface TimelineRequest {
  subject: TimelineSubject;
  asOf?: Date;
  asOfBasis?: 'recorded' | 'happened';
  format: TimelineFormat;
  limit: number;
}

const instantOption = (name: string, value: string): Date => {
  const parsed = parseInstant(value);
  if (!parsed) throw new UsageError(`${name} "${value}" is not ${INSTANT_HINT}`);
  return parsed;
};

/** Checks the options (exactly one selection, valid instants, a known format); a mistake is a UsageError (exit 2). */
export const parseTimelineOptions = (options: TimelineCliOptions): TimelineRequest => {
  const calls = (options.call ?? []).map((c) => c.trim()).filter(Boolean);
  const range = options.from !== undefined || options.to !== undefined;
  const chosen = [calls.length > 0, options.bookingUid !== undefined, range].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('Give exactly one of --call <id>, --booking-uid <uid>, or --from <iso> --to <iso> (see booking-ledger timeline --help)');
  const format = (options.format ?? 'text') as TimelineFormat;
  if (!(format in renderers)) throw new UsageError(`--format must be text, json or md, not "${options.format}"`);
  const limit = options.limit === undefined ? DEFAULT_EVENT_LIMIT : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, not "${options.limit}"`);
  const asOf = options.asOf === undefined ? undefined : instantOption('--as-of', options.asOf);
  const asOfBasis = options.asOfBasis ?? 'recorded';
  if (asOfBasis !== 'recorded' && asOfBasis !== 'happened') throw new UsageError(`--as-of-basis must be recorded or happened, not "${options.asOfBasis}"`);

  let subject: TimelineSubject;
  if (calls.length > 0) subject = { kind: 'calls', callIds: [...new Set(calls)] };
  else if (options.bookingUid !== undefined) {
    if (!options.bookingUid.trim()) throw new UsageError('--booking-uid needs a Cal.com uid');
    subject = { kind: 'booking_uid', uid: options.bookingUid.trim() };
  } else {
    if (options.from === undefined || options.to === undefined) throw new UsageError('--from and --to go together');
    const from = instantOption('--from', options.from);
    const to = instantOption('--to', options.to);
    if (from > to) throw new UsageError('--from must not be after --to');
    subject = { kind: 'recorded_between', from: from.toISOString(), to: to.toISOString() };
  }
  return { subject, asOf, asOfBasis, format, limit };
};

/** Prints the timeline; returns the exit code: 0 events found, 3 none match the selection. */
export const runTimeline = async (
  history: EventHistory,
  request: TimelineRequest,
  io: { out(text: string): void; err(text: string): void },
  parked?: ParkedEventLookup,
): Promise<number> => {
  const timeline = await loadTimeline(history, request.subject, { asOf: request.asOf, asOfBasis: request.asOfBasis, limit: request.limit, parked });
  if (timeline.counts.matched === 0) {
    io.err(`No events match ${request.subject.kind === 'booking_uid' ? `Cal.com uid ${request.subject.uid}` : request.subject.kind === 'calls' ? `call ${request.subject.callIds.join(', ')}` : 'that time range'}.\n`);
    if (request.format === 'json') io.out(renderers.json(timeline));
    return EXIT_NOTHING_FOUND;
  }
  io.out(renderers[request.format](timeline));
  return 0;
};

/** The same timeline from a running service (GET /incidents/timeline, JSON), rendered here. */
export const runRemoteTimeline = async (remote: RemoteOptions & { url: string }, request: TimelineRequest, io: { out(text: string): void; err(text: string): void }): Promise<number> => {
  const query = new URLSearchParams();
  const { subject } = request;
  if (subject.kind === 'calls') for (const id of subject.callIds) query.append('call_id', id);
  else if (subject.kind === 'booking_uid') query.set('booking_uid', subject.uid);
  else {
    query.set('from', subject.from);
    query.set('to', subject.to);
  }
  if (request.asOf) query.set('as_of', request.asOf.toISOString());
  if (request.asOfBasis === 'happened') query.set('as_of_basis', 'happened');
  try {
    const timeline = await askService<Timeline>(remote, `incidents/timeline?${query}`);
    io.out(renderers[request.format](timeline));
    return 0;
  } catch (error) {
    if (error instanceof ServiceAnswerError && error.status === 404) {
      io.err(`No events match (${error.message}).\n`);
      return EXIT_NOTHING_FOUND;
    }
    throw error;
  }
};

const HELP = `
Selection (exactly one):
  --call ID               every event of the Retell call (repeat --call for several calls)
  --booking-uid UID       every call that claimed, received or was confirmed with this Cal.com uid, together
  --from ISO --to ISO     every event recorded in that range (by recorded time)

Times: "happened" is when it happened (metadata.occurredAt), "recorded" when the ledger stored it.
--as-of filters on RECORDED time: it shows only what the ledger had recorded up to that moment (what the
system knew then) and each booking's state rebuilt from those events alone (with the domain's evolve);
calls with nothing recorded yet are listed as such. --as-of-basis happened filters on when things
happened instead (occurredAt, e.g. Cal.com's webhook time), including what was recorded only later.
Names are shown; email addresses and phone numbers are masked.

Exit codes:
  0  events found and printed
  1  failure (e.g. the event store cannot be reached)
  2  usage error (no or several selections, a bad ISO instant, an unknown format)
  3  nothing found: no event matches the selection (--as-of does not change this)

A running service holds its embedded (PGlite) data directory: give --url and --token (or ADMIN_TOKEN) to
ask it instead, e.g. booking-ledger timeline --call ID --url http://127.0.0.1:3000
  78 invalid configuration (EVENT_STORE_URL …)

Examples:
  $ booking-ledger timeline --booking-uid 8Fxv4pCqnb1Jva1w9wn5wX
  $ booking-ledger timeline --booking-uid 8Fxv4pCqnb1Jva1w9wn5wX --as-of 2025-10-06T09:20:00Z
  $ booking-ledger timeline --call call_927bf219b2cc20cd24dc97c9f0b --format json | jq '.bookings'
  $ booking-ledger timeline --from 2025-10-06T09:00:00Z --to 2025-10-06T10:00:00Z --format md > incident.md
`;

export const timelineCommand = () =>
  new Command('timeline')
    .exitOverride()
    .description("Replay what happened: every event of a call, a Cal.com uid's calls, or a time range, with both times and what each meant")
    .option('--call <id...>', 'Retell call id (repeatable)')
    .option('--booking-uid <uid>', 'Cal.com booking uid')
    .option('--from <iso>', 'start of a recorded-time range (inclusive)')
    .option('--to <iso>', 'end of a recorded-time range (inclusive)')
    .option('--as-of <iso>', 'what the system knew at that moment (events RECORDED up to then)')
    .addOption(new Option('--as-of-basis <basis>', 'what --as-of compares: recorded (default) or happened').choices(['recorded', 'happened']))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'md']).default('text'))
    .option('--limit <n>', 'at most this many events per query', String(DEFAULT_EVENT_LIMIT))
    .addOption(remoteOptions()[0]!)
    .addOption(remoteOptions()[1]!)
    .addHelpText('after', HELP)
    .action(async (options: TimelineCliOptions & RemoteOptions) => {
      const request = parseTimelineOptions(options);
      const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
      if (options.url) {
        process.exitCode = await runRemoteTimeline({ ...options, url: options.url }, request, io);
        return;
      }
      process.exitCode = await withStores(({ stores }) =>
        runTimeline(
          stores.history,
          request,
          { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
          (eventIds) => findParked(stores.readModel, { eventIds }),
        ),
      );
    });

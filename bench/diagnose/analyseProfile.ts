/**
 * Self and inclusive time per function and per source file of a V8 .cpuprofile (node --cpu-prof), e.g.
 * of the service under bench/diagnose/cpuProfile.ts:
 *
 *   npx tsx bench/diagnose/analyseProfile.ts <file.cpuprofile> [--from µs --to µs | --windows windows.json --phase book]
 *     [--top 25] [--requests N] [--callers-of <functionName>[@file]] [--src-only-callers]
 *
 * Only samples taken inside the window count (the profile's timestamps are monotonic µs, the clock of
 * process.hrtime). Inclusive time counts each function once per sample however often it recurs on the
 * stack. Files are grouped as src/<path>, node_modules/<package>, node:<internal>, or (program)/(gc)/
 * (idle)/(garbage collector). With --requests, times are also given in ms per request.
 * --callers-of name[@file] | file:<file or package>: for a function (or any frame of a file or package),
 * the src/ frames nearest above it on its stacks, with their share.
 * --drop writev[,name…]: leave out samples whose leaf is one of these (native) functions, and give shares of
 * the rest. The profiler samples wall time: on a busy machine the main thread is often descheduled inside
 * the writev that wakes PostgreSQL, so writev's self time can be several times its real CPU (compare
 * `perf record -e cpu-clock`, bench/diagnose/analysePerf.ts); the JS shares are meaningful without it.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args[0]!;
const top = Number(flag('top') ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

let from = flag('from') !== undefined ? Number(flag('from')) : -Infinity;
let to = flag('to') !== undefined ? Number(flag('to')) : Infinity;
let requests = flag('requests') !== undefined ? Number(flag('requests')) : undefined;
if (flag('windows')) {
  const windows = JSON.parse(readFileSync(flag('windows')!, 'utf8')) as Array<{ process: string; phase: string; requests: number; startMicros: number; endMicros: number }>;
  const phase = flag('phase');
  const w = windows.find((x) => x.phase === phase && (!flag('process') || x.process === flag('process')));
  if (!w) throw new Error(`no window ${phase} in ${flag('windows')}`);
  from = w.startMicros;
  to = w.endMicros;
  requests ??= w.requests;
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** src/<path>, node_modules/<pkg>, node:<module>, or the pseudo frame's name. */
const fileOf = (f: CallFrame): string => {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const url = f.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).replace(/\.js$/, '.ts');
  if (url.startsWith('node:')) return url;
  return url;
};
const fileDetailOf = (f: CallFrame): string => {
  const url = f.url.replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('/node_modules/');
  return nm >= 0 ? `node_modules/${url.slice(nm + '/node_modules/'.length)}` : fileOf(f);
};
const fnKey = (f: CallFrame) => `${f.functionName || '(anonymous)'}  ${fileDetailOf(f)}:${f.lineNumber + 1}`;
const isSrc = (f: CallFrame) => fileOf(f).startsWith('src/');

// Sample times: startTime + cumulative deltas; each sample's weight is the delta to the next one.
const weights = new Map<number, number>(); // node id -> µs (self)
let t = profile.startTime;
let total = 0;
const times: number[] = [];
for (let i = 0; i < profile.samples.length; i += 1) {
  t += profile.timeDeltas[i]!;
  times.push(t);
}
for (let i = 0; i < profile.samples.length; i += 1) {
  if (times[i]! < from || times[i]! > to) continue;
  const w = i + 1 < times.length ? times[i + 1]! - times[i]! : 0;
  if (w <= 0 || w > 100_000) continue;
  const id = profile.samples[i]!;
  weights.set(id, (weights.get(id) ?? 0) + w);
  total += w;
}
const dropped = new Set((flag('drop') ?? '').split(',').filter(Boolean));
let droppedMicros = 0;
for (const [id, w] of [...weights]) {
  if (!dropped.has(byId.get(id)!.callFrame.functionName)) continue;
  droppedMicros += w;
  weights.delete(id);
  total -= w;
}
const idle = [...weights].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((s, [, w]) => s + w, 0);
const busy = total - idle;

const stackOf = (id: number): CallFrame[] => {
  const frames: CallFrame[] = [];
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur)!.callFrame);
  return frames; // leaf first
};

const selfFn = new Map<string, number>();
const totalFn = new Map<string, number>();
const selfFile = new Map<string, number>();
const totalFile = new Map<string, number>();
const add = (m: Map<string, number>, k: string, w: number) => m.set(k, (m.get(k) ?? 0) + w);
for (const [id, w] of weights) {
  const stack = stackOf(id);
  const leaf = stack[0]!;
  if (leaf.functionName === '(idle)') continue;
  add(selfFn, fnKey(leaf), w);
  add(selfFile, fileOf(leaf), w);
  for (const k of new Set(stack.map(fnKey))) add(totalFn, k, w);
  for (const k of new Set(stack.map(fileOf))) add(totalFile, k, w);
}

const pct = (w: number) => `${((w / busy) * 100).toFixed(1).padStart(5)}%`;
const perReq = (w: number) => (requests ? `${(w / 1000 / requests).toFixed(3).padStart(7)} ms/req` : '');
const out = (line: string) => process.stdout.write(`${line}\n`);
const table = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true, n = top) => {
  out(`\n${title}`);
  for (const [k, w] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) out(`  ${pct(w)} ${perReq(w)}  ${(w / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};

out(`${file}: window ${from === -Infinity ? 'whole profile' : `${((to - from) / 1e6).toFixed(2)} s`}; sampled ${(total / 1000).toFixed(0)} ms, of it busy (not idle) ${(busy / 1000).toFixed(0)} ms${requests ? ` = ${(busy / 1000 / requests).toFixed(2)} ms per request over ${requests} requests` : ''}; shares below are of busy time${dropped.size ? ` without ${[...dropped].join(', ')} (${(droppedMicros / 1000).toFixed(0)} ms${requests ? `, ${(droppedMicros / 1000 / requests).toFixed(2)} ms per request` : ''}, left out)` : ''}`);
table('Top by self time (function  file:line)', selfFn);
table('Self time per file / package', selfFile, () => true, Math.max(top, 30));
table('Inclusive time per file / package', totalFile, () => true, Math.max(top, 30));
table('Top src/ functions by inclusive time', totalFn, (k) => / src\//.test(k));

/**
 * Each sample goes to the first bucket met walking from its leaf towards the root (node's own modules
 * name no bucket, so a Buffer.slice under pg-protocol is the database's, under axios Cal.com's).
 */
const buckets: Array<[string, RegExp]> = [
  ['database: pg driver (pg, pg-protocol, pg-pool, pg-types)', /^node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-date|postgres-array|postgres-bytea|postgres-interval|pg-int8)$|pgQueryCounter/],
  ['database: src/adapters (eventStore, sql, limiter, signatures)', /^src\/adapters\/(eventStore|sql|rateLimit|rateLimiter|signatures|usedSignatures)/],
  ['Cal.com client: axios, cockatiel, node http client, src/adapters/calcom', /^node_modules\/(axios|cockatiel|follow-redirects|form-data|proxy-from-env)$|^node:_http_client$|^node:_http_agent$|^src\/adapters\/calcom\//],
  ['zod', /^node_modules\/zod$/],
  ['luxon', /^node_modules\/luxon$/],
  ['logging/metrics: pino, prom-client, src/adapters/telemetry', /^node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream|prom-client|on-exit-leak-free|atomic-sleep|quick-format-unescaped|safe-stable-stringify)$|^src\/adapters\/telemetry\//],
  ['other node_modules (uuid, libphonenumber-js, …)', /^node_modules\/(?!express$|router$|body-parser$|raw-body$|helmet$|content-type$|type-is$|mime-types$|mime-db$|media-typer$|finalhandler$|send$|qs$|on-finished$|iconv-lite$|statuses$|http-errors$|depd$|debug$|ms$|path-to-regexp$|parseurl$|encodeurl$|escape-html$|vary$|cookie$|fresh$|etag$|range-parser$|proxy-addr$|forwarded$|ipaddr\.js$|accepts$|negotiator$|content-disposition$|merge-descriptors$|utils-merge$|methods$|setprototypeof$|toidentifier$|unpipe$|bytes$|ee-first$|destroy$|safe-buffer$|side-channel|call-bind|get-intrinsic|es-|has-|hasown$|function-bind$|gopd$|object-inspect$|math-intrinsics$|dunder-proto$|call-bound$|once$|wrappy$|is-promise$|inherits$)/],
  ['src/adapters/http (routes, Retell parsing, signature checks)', /^src\/adapters\/http\//],
  ['HTTP server: express, router, body-parser, helmet, node http server', /^node_modules\/|^node:_http_server$|^node:_http_incoming$/],
  ['src/projections (projection runner and rows)', /^src\/projections\//],
  ['src/domain (decide, evolve, fold)', /^src\/domain\//],
  ['src/application (use cases, envelopes, answers)', /^src\/application\//],
  ['other src/', /^src\//],
  ['garbage collector', /^\(garbage collector\)$/],
];
const bucketTimes = new Map<string, number>();
for (const [id, w] of weights) {
  const stack = stackOf(id);
  if (stack[0]!.functionName === '(idle)') continue;
  let bucket = 'node core only (events, streams, timers, microtasks, (program))';
  for (const f of stack) {
    const file = fileOf(f);
    const hit = buckets.find(([, re]) => re.test(file));
    if (hit) {
      bucket = hit[0];
      break;
    }
  }
  add(bucketTimes, bucket, w);
}
table('Where the time goes (each sample to the first bucket from its leaf up)', bucketTimes, () => true, 30);

const callersOf = flag('callers-of');
if (callersOf) {
  // "name@file-part", or "file:<file or package>" (e.g. file:node_modules/zod) for any frame of that file
  const byFile = callersOf.startsWith('file:') ? callersOf.slice(5) : undefined;
  const [name, where] = callersOf.split('@');
  const nearest = new Map<string, number>();
  let matched = 0;
  for (const [id, w] of weights) {
    const stack = stackOf(id);
    // the outermost frame of the file (a zod parse nests many zod frames), or the function
    const lastOfFile = (): number => {
      for (let i = stack.length - 1; i >= 0; i -= 1) if (fileOf(stack[i]!) === byFile) return i;
      return -1;
    };
    const at = byFile ? lastOfFile() : stack.findIndex((f) => f.functionName === name && (!where || fileDetailOf(f).includes(where)));
    if (at < 0) continue;
    matched += w;
    const caller = stack.slice(at + 1).find(isSrc);
    add(nearest, caller ? fnKey(caller) : '(no src/ frame)', w);
  }
  out(`\nInclusive ${callersOf}: ${pct(matched)} ${perReq(matched)}; nearest src/ caller:`);
  for (const [k, w] of [...nearest].sort((a, b) => b[1] - a[1]).slice(0, top)) out(`  ${pct(w)} ${perReq(w)}  ${k}`);
}

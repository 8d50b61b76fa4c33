/**
 * On-CPU breakdown of a `perf record -e cpu-clock -g` of the service (bench/diagnose/cpuProfile.ts --perf,
 * node started with --perf-basic-prof --interpreted-frames-native-stack):
 *
 *   npx tsx bench/diagnose/analysePerf.ts <file.perf.data> [--requests N] [--cpu-ms-per-request X] [--top 25]
 *
 * Unlike a --cpu-prof (wall-clock samples of the main thread: time the thread sat descheduled inside a
 * syscall, e.g. a writev that woke PostgreSQL on a busy machine, counts as that syscall's), perf only
 * samples a thread while it runs, every thread of the process, kernel included. Reports: the threads
 * (main, JIT compiler, GC, other), main-thread kernel time by the syscall that entered it, and for the
 * main thread self time per JS function / file (a builtin or a V8 runtime frame is charged to the JS
 * function that called it) and inclusive time of src/ functions. With --cpu-ms-per-request (the /proc
 * figure of the same phase) every share is also given in ms per request.
 * --js adds the JS function tables. Take them with care: --perf-basic-prof writes code addresses once and
 * V8 moves and frees code, so a sample in new code can be charged to a stale entry (e.g. startup-only
 * modules such as @grpc/grpc-js showing up); the threads and kernel split do not depend on that map.
 * For JS attribution use the --cpu-prof (bench/diagnose/analyseProfile.ts --drop writev).
 */
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(flag('top') ?? 25);
const cpuMs = flag('cpu-ms-per-request') ? Number(flag('cpu-ms-per-request')) : undefined;
const text = execFileSync('perf', ['script', '-i', args[0]!, '-F', 'tid,ip,sym,dso'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

interface Sample {
  tid: string;
  frames: Array<{ sym: string; dso: string }>;
}
const samples: Sample[] = [];
for (const block of text.split(/\n\s*\n/)) {
  const lines = block.split('\n').filter((l) => l.trim());
  if (lines.length === 0) continue;
  const frames = lines.slice(1).map((l) => {
    const m = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^)]*)\)\s*$/.exec(l);
    return m ? { sym: m[1]!.replace(/\+0x[0-9a-f]+$/, ''), dso: m[2]! } : { sym: l.trim(), dso: '' };
  });
  samples.push({ tid: lines[0]!.trim().split(/\s+/)[0]!, frames });
}
const perTid = new Map<string, number>();
for (const s of samples) perTid.set(s.tid, (perTid.get(s.tid) ?? 0) + 1);
const mainTid = [...perTid].sort((a, b) => b[1] - a[1])[0]![0];
const n = samples.length;

const isKernel = (f: { dso: string }) => f.dso.includes('kernel');
const isJs = (f: { sym: string }) => f.sym.startsWith('JS:');
/** "JS:*name /path/src/x.js:12:3" -> { name, file: src/x.ts or node_modules/<pkg> or node:… } */
const jsFrame = (sym: string) => {
  const m = /^JS:[*~^+-]?(\S*)\s+(\S+?):(\d+):\d+$/.exec(sym) ?? /^JS:[*~^+-]?(\S*)\s+(\S+)$/.exec(sym);
  const name = m?.[1] || '(anonymous)';
  const where = m?.[2] ?? '?';
  const line = m?.[3] ?? '';
  let file = where;
  const nm = where.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = where.slice(nm + 14).split('/');
    file = `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  } else if (where.includes('/src/')) file = where.slice(where.indexOf('/src/') + 1).replace(/\.js$/, '.ts');
  else if (where.includes('/bench/')) file = where.slice(where.indexOf('/bench/') + 1);
  return { name, file, key: `${name}  ${file}:${line}` };
};

const threads = new Map<string, number>();
const syscalls = new Map<string, number>();
const selfFn = new Map<string, number>();
const selfFile = new Map<string, number>();
const inclSrc = new Map<string, number>();
const inclFile = new Map<string, number>();
const add = (m: Map<string, number>, k: string, w = 1) => m.set(k, (m.get(k) ?? 0) + w);
let mainSamples = 0;
for (const s of samples) {
  const stack = s.frames.map((f) => `${f.sym}`).join(' ');
  if (s.tid !== mainTid) {
    const kind = /OptimizingCompileDispatcher|Compiler|compiler::|Maglev|Sparkplug/.test(stack)
      ? 'other thread: JIT compiler'
      : /Heap|Scavenge|Marking|Sweep|GC|Evacuat|Compactor/i.test(stack)
        ? 'other thread: garbage collector'
        : 'other thread: other (libuv pool, platform)';
    add(threads, kind);
    continue;
  }
  mainSamples += 1;
  const leaf = s.frames[0];
  if (leaf && isKernel(leaf)) {
    add(threads, 'main thread: kernel');
    const entry = s.frames.find((f) => !isKernel(f));
    add(syscalls, entry ? entry.sym : '?');
  } else add(threads, /Heap::|Scavenge|MarkCompact|Sweeper|GCTracer/.test(s.frames.slice(0, 12).map((f) => f.sym).join(' ')) ? 'main thread: GC' : 'main thread: user');
  const firstJs = s.frames.find(isJs);
  if (firstJs) {
    const j = jsFrame(firstJs.sym);
    const viaKernel = leaf && isKernel(leaf);
    add(selfFn, viaKernel ? `${j.key}  [in kernel]` : j.key);
    add(selfFile, j.file);
  } else add(selfFn, `(no JS frame) ${leaf?.sym ?? '?'}`);
  const seenFn = new Set<string>();
  const seenFile = new Set<string>();
  for (const f of s.frames) {
    if (!isJs(f)) continue;
    const j = jsFrame(f.sym);
    if (j.file.startsWith('src/') && !seenFn.has(j.key)) (seenFn.add(j.key), add(inclSrc, j.key));
    if (!seenFile.has(j.file)) (seenFile.add(j.file), add(inclFile, j.file));
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const share = (c: number) => `${((c / n) * 100).toFixed(1).padStart(5)}%${cpuMs ? ` ${((c / n) * cpuMs).toFixed(3).padStart(6)} ms/req` : ''}`;
const table = (title: string, m: Map<string, number>, k = top) => {
  out(`\n${title}`);
  for (const [key, c] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k)) out(`  ${share(c)}  ${key}`);
};
out(`${args[0]}: ${n} on-CPU samples, ${mainSamples} of them on the main thread (${((mainSamples / n) * 100).toFixed(1)}%); shares are of all the process's CPU`);
table('Threads', threads, 10);
table('Main-thread kernel time, by the user-space frame that entered the kernel', syscalls, 8);
if (!args.includes('--js')) process.exit(0);
table('Main thread: self time per JS function (builtins and V8 runtime charged to their JS caller)', selfFn);
table('Main thread: self time per file / package (same charging)', selfFile);
table('Main thread: inclusive time per file / package', inclFile);
table('Main thread: src/ functions by inclusive time', inclSrc);

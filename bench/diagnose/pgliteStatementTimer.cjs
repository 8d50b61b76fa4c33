/**
 * Preload for a service on PGlite (`BENCH_NODE_FLAGS="--require bench/diagnose/pgliteStatementTimer.cjs"`
 * on `npx tsx bench/run.ts …`, or `node --require` by hand): the wall time of every protocol message the
 * service sends into PGlite's WebAssembly (PGlite#execProtocolStream), by the statement it executes
 * (a Bind names a statement prepared earlier: its text, whitespace collapsed, first 120 characters), and
 * `prepare` and `simple: …` for the others. PGlite runs on the service's one thread, so the time is CPU
 * spent in PGlite. Every second it writes [[statement, [count, ms]], …], most time first, to
 * $PGLITE_TIMES (default /tmp/pglite-times.json), and once more as the process exits. Nothing else changes.
 */
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { PGlite } = require(require.resolve('@electric-sql/pglite', { paths: [path.join(__dirname, '..', '..', 'node_modules')] }));

const out = process.env.PGLITE_TIMES || '/tmp/pglite-times.json';
const texts = new Map(); // prepared statement name -> its text
const times = new Map(); // statement -> [count, ms]
const cString = (bytes, at) => {
  let end = at;
  while (bytes[end] !== 0) end += 1;
  return [Buffer.from(bytes.subarray(at, end)).toString(), end + 1];
};
const short = (text, length) => text.replace(/\s+/g, ' ').trim().slice(0, length);

/** What a message runs: the statement its Bind executes, a Parse (`prepare`), or a simple Query's text. */
const statementOf = (message) => {
  let key = '?';
  for (let at = 0; at < message.length; ) {
    const type = String.fromCharCode(message[at]);
    const length = message.readUInt32BE ? message.readUInt32BE(at + 1) : new DataView(message.buffer, message.byteOffset).getUint32(at + 1);
    if (type === 'P') {
      const [name, next] = cString(message, at + 5);
      texts.set(name, short(cString(message, next)[0], 120));
      key = 'prepare';
    } else if (type === 'B') {
      const [statement] = cString(message, cString(message, at + 5)[1]);
      key = texts.get(statement) || statement;
    } else if (type === 'Q') key = `simple: ${short(cString(message, at + 5)[0], 80)}`;
    at += 1 + length;
  }
  return key;
};

const execProtocolStream = PGlite.prototype.execProtocolStream;
PGlite.prototype.execProtocolStream = async function timed(message, options) {
  const key = statementOf(message);
  const started = process.hrtime.bigint();
  try {
    return await execProtocolStream.call(this, message, options);
  } finally {
    const entry = times.get(key) || [0, 0];
    entry[0] += 1;
    entry[1] += Number(process.hrtime.bigint() - started) / 1e6;
    times.set(key, entry);
  }
};
const write = () => writeFileSync(out, JSON.stringify([...times].sort((a, b) => b[1][1] - a[1][1])));
setInterval(write, 1000).unref();
process.on('exit', write); // the service exits on SIGTERM once it has drained

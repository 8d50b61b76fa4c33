/**
 * Preload for the service process (`node --require bench/diagnose/pgQueryCounter.cjs`), used by
 * bench/diagnose/cpuProfile.ts: counts every statement the `pg` driver sends (Client#query, by its
 * text with whitespace collapsed, first 400 characters) and every pool checkout (Pool#connect), and
 * the transactions (BEGIN … COMMIT blocks plus statements sent outside one), and serves the counts as JSON on 127.0.0.1:$PG_COUNTER_PORT (GET /). Nothing else changes.
 */
const http = require('node:http');
const pg = require('pg');

const counts = new Map();
let checkouts = 0;
/** Transactions the server ran: BEGIN … COMMIT blocks, and each statement sent outside one (its own implicit transaction). */
let transactions = 0;
const inTransaction = new WeakSet();
const keys = new Map(); // statement text -> its key (the service sends the same few texts again and again)
const keyOf = (config) => {
  const text = typeof config === 'string' ? config : config && typeof config.text === 'string' ? config.text : '<non-text query>';
  let key = keys.get(text);
  if (key === undefined) {
    key = text.replace(/\s+/g, ' ').trim().slice(0, 400);
    if (keys.size < 10_000) keys.set(text, key);
  }
  return key;
};
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, values, callback) {
  const key = keyOf(config);
  counts.set(key, (counts.get(key) || 0) + 1);
  if (/^BEGIN/i.test(key)) {
    transactions += 1;
    inTransaction.add(this);
  } else if (/^(COMMIT|ROLLBACK)/i.test(key)) inTransaction.delete(this);
  else if (!inTransaction.has(this)) transactions += 1;
  return query.call(this, config, values, callback);
};
const connect = pg.Pool.prototype.connect;
pg.Pool.prototype.connect = function countedConnect(callback) {
  checkouts += 1;
  return connect.call(this, callback);
};

const port = Number(process.env.PG_COUNTER_PORT || 0);
if (port) {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ checkouts, transactions, statements: Object.fromEntries(counts) }));
  });
  server.listen(port, '127.0.0.1');
  server.unref();
}

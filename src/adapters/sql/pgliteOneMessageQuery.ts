import { parse, protocol, type PGlite } from '@electric-sql/pglite';

/** Statement texts kept prepared; the service has a few dozen (the read model's filters make a few more). */
const PREPARED_TEXTS = 500;

const { serialize } = protocol;

const concat = (parts: Uint8Array[]): Uint8Array => {
  const message = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
};

const isStalePreparedStatement = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '26000' || (code === '0A000' && typeof message === 'string' && message.includes('cached plan'));
};

interface Prepared {
  name: string;
  paramTypes: number[];
}

/**
 * A parametrised statement as one protocol message (Bind, Describe, Execute, Sync) into PGlite's
 * WebAssembly, where `PGlite.query` makes six calls and parses, analyses and plans the text every time
 * (base.ts `#runQuery` of @electric-sql/pglite 0.5.16). Each text is prepared once as a named statement,
 * which also gives its parameter types; the values are serialised by them with PGlite's own serialisers
 * and the rows parsed with its own parsers, as `query` does. The caller holds PGlite's locks: `run` takes
 * none. `forgetAll()` gives the statement to close them all (run it before a schema change).
 */
export const createOneMessageQuery = (db: PGlite) => {
  const prepared = new Map<string, Prepared>();
  let named = 0;
  /** A statement pushed out of the map, closed in front of the next message. */
  let toClose: string[] = [];

  const prepare = async (text: string, syncToFs: boolean): Promise<Prepared> => {
    const name = `bl_${(named += 1)}`;
    const messages = await db.execProtocolStream(concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]), { syncToFs });
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    if (prepared.size >= PREPARED_TEXTS) {
      const [oldest, its] = prepared.entries().next().value as [string, Prepared];
      prepared.delete(oldest);
      toClose.push(its.name);
    }
    prepared.set(text, statement);
    return statement;
  };

  const execute = async (text: string, params: readonly unknown[], syncToFs: boolean): Promise<unknown[]> => {
    const statement = prepared.get(text) ?? (await prepare(text, syncToFs));
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = db.serializers[statement.paramTypes[i] as number];
      return serializer ? serializer(param) : String(param);
    });
    const closing = toClose.map((name) => serialize.close({ type: 'S', name }));
    toClose = [];
    const messages = await db.execProtocolStream(
      concat([...closing, serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
      { syncToFs },
    );
    return parse.parseResults(messages, db.parsers)[0]?.rows ?? [];
  };

  /**
   * A statement closed behind our back (DEALLOCATE) or whose rows changed shape (DDL outside `exec`) is
   * prepared again; outside a transaction it is also run again, inside one the error stands (the
   * transaction is aborted).
   */
  const run = async (text: string, params: readonly unknown[] = [], syncToFs: boolean, inTransaction: boolean): Promise<unknown[]> => {
    try {
      return await execute(text, params, syncToFs);
    } catch (error) {
      if (!isStalePreparedStatement(error)) throw error;
      const stale = prepared.get(text);
      if (stale) toClose.push(stale.name); // a plan that changed shape still exists: closed, not left behind
      prepared.delete(text);
      if (inTransaction) throw error;
      return execute(text, params, syncToFs);
    }
  };

  const forgetAll = (): string | undefined => {
    const had = prepared.size > 0 || toClose.length > 0;
    prepared.clear();
    toClose = [];
    return had ? 'DEALLOCATE ALL' : undefined;
  };

  return { run, forgetAll };
};

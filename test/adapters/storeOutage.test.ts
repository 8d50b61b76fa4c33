import { isStoreOutage } from '../../src/adapters/storeOutage';

/** Which failures the delivery resumer waits out (not counted towards abandoning) and which it counts. */
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** Shaped as @eventstore/db-client's CommandError subclasses set them (dist/utils/CommandError.js: `type`). */
const esdb = (type: string, message: string) => Object.assign(new Error(message), { type });

describe('isStoreOutage', () => {
  it.each([
    ['pg: the connection went away', new Error('Connection terminated unexpectedly')],
    ['pg: server shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['pg: cannot connect now (57P03)', withCode('the database system is starting up', '57P03')],
    ['pg: connection failure (08006)', withCode('connection failure', '08006')],
    ['pg: too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['node: ECONNREFUSED', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['node: ENOTFOUND', withCode('getaddrinfo ENOTFOUND db', 'ENOTFOUND')],
    ['EventStoreDB: unavailable', esdb('unavailable', '14 UNAVAILABLE: No connection established')],
    ['EventStoreDB: deadline exceeded', esdb('deadline-exceeded', '4 DEADLINE_EXCEEDED: Deadline exceeded')],
    ['EventStoreDB: no leader', esdb('not-leader', 'Not leader')],
    ['EventStoreDB: discovery', new Error('Failed to discover after 10 attempts.')],
  ])('waits out %s', (_name, error) => expect(isStoreOutage(error)).toBe(true));

  it.each([
    ['pg: statement timeout (57014)', withCode('canceling statement due to statement timeout', '57014')],
    ['pg: deadlock (40P01)', withCode('deadlock detected', '40P01')],
    ['pg: check violation (23514)', withCode('new row violates check constraint', '23514')],
    ['pg: unstorable text (22P05)', withCode('unsupported Unicode escape sequence', '22P05')],
    ['node: a bug', new TypeError("Cannot read properties of undefined (reading 'uid')")],
    ['EventStoreDB: access denied', esdb('access-denied', 'Access denied')],
    ['not an error at all', undefined],
  ])('counts %s', (_name, error) => expect(isStoreOutage(error)).toBe(false));
});

import { decide, evolve, initialState, type Booking, type BookingCommand, type BookingEvent } from '../../src/domain';

/** given(events).when(command).then(expected events) — the decider read as a specification. */
export const given = (history: BookingEvent[]) => {
  const state: Booking = history.reduce(evolve, initialState());
  return {
    state,
    when: (command: BookingCommand) => {
      const run = () => decide(command, state);
      return {
        then: (expected: BookingEvent[]) => expect(run()).toEqual(expected),
        thenMatches: (expected: Array<{ type: BookingEvent['type']; data?: Record<string, unknown> }>) => expect(run()).toMatchObject(expected),
        thenNothingHappens: () => expect(run()).toEqual([]),
        thenThrows: (message: RegExp) => expect(run).toThrow(message),
        // Nested objects are matched partly too (toMatchObject).
        thenState: (expected: { [K in keyof Booking]?: unknown }) => expect(run().reduce(evolve, state)).toMatchObject(expected),
        events: run,
      };
    },
  };
};

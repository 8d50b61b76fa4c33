import { MalformedFunctionRequest, parseFunctionRequest } from '../../../../src/adapters/http/retell/functionRequest';

/** Wrapped `{name, call, args}` and args-only bodies; everything else is a 400 with a clear message. */
describe('parseFunctionRequest', () => {
  const germanArgs = { datum: '10.10.2050', uhrzeit: '8 Uhr', name: 'Jürgen Müller', dienstleistung: 'Beratung' };

  it('reads a wrapped body: function name, call id, caller number and args', () => {
    const body = {
      name: 'book_appointment',
      call: { call_id: 'call_abc', from_number: '+4915112345678', to_number: '+49301234567', call_status: 'ongoing', transcript: '…' },
      args: germanArgs,
    };

    expect(parseFunctionRequest(body)).toEqual({ name: 'book_appointment', callId: 'call_abc', fromNumber: '+4915112345678', argsOnly: false, args: germanArgs });
  });

  it('leaves out what a wrapped body does not carry (no from_number for web calls, no args)', () => {
    const parsed = parseFunctionRequest({ name: 'check_availability', call: { call_id: 'call_web', call_type: 'web_call' } });

    expect(parsed).toEqual({ name: 'check_availability', callId: 'call_web', argsOnly: false, args: {} });
    expect(parsed).not.toHaveProperty('fromNumber');
  });

  it('reads an args-only body: call_id comes from and is removed from the args, `name` stays an argument', () => {
    const body = { call_id: 'call_root', date: '2050-10-10', time: '14:30', name: 'Ada Lovelace', email: 'ada@example.com' };

    const parsed = parseFunctionRequest(body);

    expect(parsed).toEqual({ callId: 'call_root', argsOnly: true, args: { date: '2050-10-10', time: '14:30', name: 'Ada Lovelace', email: 'ada@example.com' } });
    expect(parsed).not.toHaveProperty('name');
  });

  it('trims the call id', () => {
    expect(parseFunctionRequest({ call_id: '  call_x  ' }).callId).toBe('call_x');
  });

  it('prefers call.call_id over an LLM-written args.call_id and never passes call_id on in args', () => {
    const parsed = parseFunctionRequest({ name: 'cancel_appointment', call: { call_id: 'call_real' }, args: { call_id: 'call_fake', booking_id: 'b1' } });

    expect(parsed).toEqual({ name: 'cancel_appointment', callId: 'call_real', argsOnly: false, args: { booking_id: 'b1' } });
  });

  it('never takes the call id from the model-written args of a wrapped body', () => {
    expectMalformed({ name: 'get_booking_status', args: { call_id: 'call_in_args', booking_id: 'b1' } }, /^call\.call_id is required in a wrapped body \(args\.call_id counts only in "Payload: args only" mode\)/);
    expectMalformed({ name: 'get_booking_status', call: {}, args: { call_id: 'call_in_args' } }, /^call\.call_id is required/);
  });

  it('reads the agent id Retell sends', () => {
    expect(parseFunctionRequest({ call: { call_id: 'c', agent_id: 'agent_1' }, args: {} })).toMatchObject({ agentId: 'agent_1' });
  });

  it('ignores a non-text function name or caller number rather than failing the call', () => {
    expect(parseFunctionRequest({ name: 42, call: { call_id: 'c', from_number: null }, args: {} })).toEqual({ callId: 'c', argsOnly: false, args: {} });
  });

  const expectMalformed = (body: unknown, message: RegExp) => {
    let thrown: unknown;
    try {
      parseFunctionRequest(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedFunctionRequest);
    expect((thrown as Error).name).toBe('MalformedFunctionRequest');
    expect((thrown as Error).message).toMatch(message);
  };

  it('rejects a wrapped body without any call id', () => {
    expectMalformed({ name: 'book_appointment', call: { agent_id: 'a' }, args: germanArgs }, /^call\.call_id is required in a wrapped body/);
  });

  it.each([
    ['an args-only body without call_id', germanArgs],
    ['an empty object', {}],
  ])('rejects %s: call_id is required', (_label, body) => {
    expectMalformed(body, /^call_id is required: send \{name, call: \{call_id\}, args\} or args with call_id$/);
  });

  it.each([
    ['an empty call id', { call: { call_id: '   ' } }],
    ['a numeric call id', { call_id: 123 }],
    ['an object call id', { call: { call_id: { id: 'x' } } }],
    ['an overlong call id', { call_id: 'c'.repeat(257) }],
  ])('rejects %s', (_label, body) => {
    expectMalformed(body, /^call_id must be a non-empty string of at most 256 characters/);
  });

  it.each([
    ['null', null],
    ['an array', [{ call_id: 'c' }]],
    ['a string', 'call_id=c'],
    ['a number', 7],
    ['undefined (no body)', undefined],
  ])('rejects a body that is %s', (_label, body) => {
    expectMalformed(body, /^the request body must be a JSON object/);
  });

  it('rejects wrapped bodies whose args or call is not an object', () => {
    expectMalformed({ name: 'book_appointment', call: { call_id: 'c' }, args: '{"datum":"x"}' }, /^args must be a JSON object/);
    expectMalformed({ name: 'book_appointment', call: 'call_abc', args: {} }, /^call must be a JSON object/);
    expectMalformed({ call: { call_id: 'c' }, args: ['x'] }, /^args must be a JSON object/);
  });
});

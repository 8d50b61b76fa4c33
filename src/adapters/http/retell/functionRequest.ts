import { z } from 'zod';
import { isStorableText } from '../../../application/storableText';

/**
 * Reads a Retell custom-function body (already JSON-parsed) in either of its two shapes:
 * - wrapped: `{ name, call: { call_id, from_number?, … }, args: { … } }` (Retell's default);
 * - args-only ("Payload: args only"): the arguments at the root, so `call_id` must be among them.
 *
 * A body is wrapped when it has a `call` or `args` object. `name` alone says nothing: in args-only
 * mode `name` is the caller's name, not the function's. `call_id` never stays in `args`.
 *
 * Trust: `call.call_id`, `call.from_number` and `call.agent_id` come from Retell; everything in `args`
 * was written by the language model, which a caller can talk into anything. So a wrapped body takes its
 * call id from `call.call_id` only (an `args.call_id` is ignored); `args.call_id` counts only in
 * args-only mode, where Retell sends nothing else (and no caller number).
 */

export interface FunctionRequest {
  /** Function name from a wrapped body; args-only bodies carry none (the route names it). */
  name?: string;
  callId: string;
  /** The caller's number as Retell reports it (wrapped bodies of phone calls only). */
  fromNumber?: string;
  /** The Retell agent that called (wrapped bodies only). */
  agentId?: string;
  /** "Payload: args only": the call id came from the arguments, and nothing about the caller is known. */
  argsOnly: boolean;
  args: Record<string, unknown>;
}

/** The body cannot be read as a function call; the HTTP layer answers 400 with `message`. */
export class MalformedFunctionRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFunctionRequest';
  }
}

const USAGE = 'send {name, call: {call_id}, args} or args with call_id';

const jsonObject = z.record(z.string(), z.unknown());
const callId = z.string().trim().min(1).max(256);
const optionalText = z.string().trim().min(1).optional().catch(undefined);

const wrappedBody = z.object({
  name: optionalText,
  call: z.object({ call_id: z.unknown().optional(), from_number: optionalText, agent_id: optionalText }).loose().optional(),
  args: jsonObject.optional(),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isWrapped = (body: Record<string, unknown>): boolean => isObject(body.call) || isObject(body.args);

const withoutCallId = (args: Record<string, unknown>): Record<string, unknown> => {
  const { call_id: _dropped, ...rest } = args;
  return rest;
};

const readCallId = (given: unknown, missing = `call_id is required: ${USAGE}`): string => {
  if (given === undefined || given === null) throw new MalformedFunctionRequest(missing);
  const parsed = callId.safeParse(given);
  if (!parsed.success) {
    throw new MalformedFunctionRequest(`call_id must be a non-empty string of at most 256 characters: ${USAGE}`);
  }
  if (!isStorableText(parsed.data)) throw new MalformedFunctionRequest(`call_id must not contain NUL or unpaired surrogate characters: ${USAGE}`);
  return parsed.data;
};

export const parseFunctionRequest = (body: unknown): FunctionRequest => {
  const root = jsonObject.safeParse(body);
  if (!root.success) throw new MalformedFunctionRequest(`the request body must be a JSON object: ${USAGE}`);

  if (!isWrapped(root.data)) {
    return { callId: readCallId(root.data.call_id), argsOnly: true, args: withoutCallId(root.data) };
  }

  const wrapped = wrappedBody.safeParse(root.data);
  if (!wrapped.success) {
    const field = wrapped.error.issues[0]?.path[0] === 'call' ? 'call' : 'args';
    throw new MalformedFunctionRequest(`${field} must be a JSON object: ${USAGE}`);
  }
  const { name, call, args = {} } = wrapped.data;
  const missing = `call.call_id is required in a wrapped body (args.call_id counts only in "Payload: args only" mode): ${USAGE}`;
  return {
    ...(name !== undefined && { name }),
    callId: readCallId(call?.call_id, missing),
    ...(call?.from_number !== undefined && { fromNumber: call.from_number }),
    ...(call?.agent_id !== undefined && { agentId: call.agent_id }),
    argsOnly: false,
    args: withoutCallId(args),
  };
};

/**
 * The two body shapes for the OpenAPI document, around a function's `args` schema. Built from the
 * same `callId` rule the parser applies; the parser above stays lenient about everything else.
 */
export const functionRequestBodySchema = (args: z.ZodType) =>
  z.union([
    z
      .object({
        name: z.string().optional().describe('The function name (Retell sends it; the URL decides which function runs)'),
        call: z
          .object({ call_id: callId.describe("Retell's call id: retries of a call land on the same booking"), from_number: z.string().optional() })
          .loose()
          .describe("Retell's call object (only call_id and from_number are read)"),
        args,
      })
      .loose()
      .meta({ title: 'Wrapped (Retell default)' }),
    z
      .intersection(args, z.object({ call_id: callId.describe('The Retell call id (a required parameter in args-only mode)') }))
      .meta({ title: 'Args only ("Payload: args only")' }),
  ]);

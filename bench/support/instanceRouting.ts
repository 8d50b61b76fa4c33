import type { Forwarded } from './roundRobin';

const callIdOf = (f: Forwarded): string | undefined => {
  try {
    const body = JSON.parse(f.body.toString('utf8')) as { call?: { call_id?: string }; payload?: { metadata?: { call_id?: string } } };
    return f.path.startsWith('/retell/') ? body.call?.call_id : f.path.startsWith('/webhooks/') ? body.payload?.metadata?.call_id : undefined;
  } catch {
    return undefined;
  }
};

/** The calls whose Cal.com webhook the round robin gave to another instance than their book_appointment. */
export const webhooksElsewhere = (forwarded: Forwarded[], callIds: Set<string>): Set<string> => {
  const booked = new Map<string, number>();
  const hooked = new Map<string, number>();
  for (const f of forwarded) {
    const call = callIdOf(f);
    if (!call || !callIds.has(call)) continue;
    (f.path.startsWith('/retell/') ? booked : hooked).set(call, f.backend);
  }
  return new Set([...hooked].filter(([call, backend]) => booked.has(call) && booked.get(call) !== backend).map(([call]) => call));
};

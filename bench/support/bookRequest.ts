import type { LoadRequest } from './load';
import { BOOKABLE_DATE, retellSignature } from './signing';
import { RETELL_KEY } from './startBenchService';

/** The n-th caller's signed `book_appointment` for call `call_<prefix>_<n>` (a slot on BOOKABLE_DATE, 96 different times). */
export const bookRequest = (prefix: string, n: number): LoadRequest => {
  const minutes = (n % 96) * 15;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const body = JSON.stringify({ name: 'book_appointment', call: { call_id: `call_${prefix}_${n}` }, args: { date: BOOKABLE_DATE, time, name: 'Bench Caller' } });
  return { method: 'POST', path: '/retell/functions/book_appointment', body, headers: { 'content-type': 'application/json', 'x-retell-signature': retellSignature(body, RETELL_KEY) } };
};

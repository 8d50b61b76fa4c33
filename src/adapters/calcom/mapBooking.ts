import type { CalcomAttendee, CalcomBooking, CalcomEventType } from '../../application/ports/calcom';

/**
 * Maps Cal.com API v2 JSON (2024-08-13 BookingOutput) to the port's CalcomBooking.
 * Returns undefined when the payload is not a booking (no uid / id / start): the caller then
 * cannot tell what happened. An array (recurring booking) yields its first element.
 */
export function mapBooking(data: unknown): CalcomBooking | undefined {
  const raw = Array.isArray(data) ? (data[0] as unknown) : data;
  if (!isRecord(raw)) return undefined;
  const uid = raw['uid'];
  const id = toNumber(raw['id']);
  const start = raw['start'];
  if (typeof uid !== 'string' || uid === '' || id === undefined || typeof start !== 'string') return undefined;

  const booking: CalcomBooking = {
    id,
    uid,
    status: typeof raw['status'] === 'string' ? raw['status'].toLowerCase() : 'unknown',
    start,
    metadata: mapMetadata(raw['metadata']),
    attendees: Array.isArray(raw['attendees']) ? raw['attendees'].flatMap(mapAttendee) : [],
  };
  const end = raw['end'];
  if (typeof end === 'string') booking.end = end;
  const createdAt = raw['createdAt'];
  if (typeof createdAt === 'string') booking.createdAt = createdAt;
  const seatUid = raw['seatUid'];
  if (typeof seatUid === 'string' && seatUid !== '') booking.seatUid = seatUid;
  for (const key of ['rescheduledFromUid', 'rescheduledToUid'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value !== '') booking[key] = value;
  }
  const eventType = raw['eventType'];
  const eventTypeId = toNumber(raw['eventTypeId']) ?? (isRecord(eventType) ? toNumber(eventType['id']) : undefined);
  if (eventTypeId !== undefined) booking.eventTypeId = eventTypeId;
  return booking;
}

/** An EventTypeOutput_2024_06_14: seats, confirmation policy and the required visible booking fields. */
export function mapEventType(data: unknown): CalcomEventType | undefined {
  if (!isRecord(data)) return undefined;
  const id = toNumber(data['id']);
  if (id === undefined) return undefined;
  const seats = isRecord(data['seats']) ? toNumber(data['seats']['seatsPerTimeSlot']) : undefined;
  const seatsPerTimeSlot = toNumber(data['seatsPerTimeSlot']) ?? seats;
  const policy = data['confirmationPolicy'];
  const requiresConfirmation = (isRecord(policy) && policy['disabled'] !== true) || data['requiresConfirmation'] === true;
  const fields = Array.isArray(data['bookingFields']) ? data['bookingFields'] : [];
  const requiredFields = fields.flatMap((field) => {
    if (!isRecord(field) || field['required'] !== true || field['hidden'] === true) return [];
    const slug = field['slug'] ?? field['name'];
    return typeof slug === 'string' ? [slug] : [];
  });
  return { id, ...(seatsPerTimeSlot !== undefined && seatsPerTimeSlot > 0 && { seatsPerTimeSlot }), requiresConfirmation, requiredFields };
}

/** A list answer (GET /v2/bookings): every element that is a booking; undefined when `data` is no list. */
export function mapBookings(data: unknown): CalcomBooking[] | undefined {
  if (!Array.isArray(data)) return undefined;
  return data.flatMap((item) => mapBooking(item) ?? []);
}

/** String values pass; numbers and booleans are stringified; anything else is dropped. */
export function mapMetadata(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

function mapAttendee(value: unknown): CalcomAttendee[] {
  if (!isRecord(value)) return [];
  const attendee: CalcomAttendee = { name: typeof value['name'] === 'string' ? value['name'] : '' };
  for (const key of ['email', 'phoneNumber', 'timeZone'] as const) {
    const field = value[key];
    if (typeof field === 'string') attendee[key] = field;
  }
  return [attendee];
}

/**
 * Flattens a 2024-09-04 slots payload `{ 'YYYY-MM-DD': [{start} | {start,end} | 'iso'] }`
 * into sorted, de-duplicated ISO UTC instants. Undefined when the payload is not a slot map.
 */
export function mapSlots(data: unknown): string[] | undefined {
  if (!isRecord(data)) return undefined;
  const instants = new Set<string>();
  for (const day of Object.values(data)) {
    if (!Array.isArray(day)) continue;
    for (const slot of day as unknown[]) {
      const start = typeof slot === 'string' ? slot : isRecord(slot) ? slot['start'] : undefined;
      if (typeof start !== 'string') continue;
      const at = new Date(start);
      if (!Number.isNaN(at.getTime())) instants.add(at.toISOString());
    }
  }
  return [...instants].sort();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

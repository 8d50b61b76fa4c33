/** `27 s`, `34 min`, `2 h 5 min`, `3 d 4 h`: how far apart two instants are, for people. */
export const humanDuration = (ms: number): string => {
  const abs = Math.abs(ms);
  const seconds = Math.round(abs / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
};

/** "34 min before" / "27 s after": where `instant` lies relative to `reference`. */
export const relativeTo = (instant: string, reference: string): string | undefined => {
  const delta = Date.parse(instant) - Date.parse(reference);
  if (Number.isNaN(delta)) return undefined;
  return `${humanDuration(delta)} ${delta < 0 ? 'before' : 'after'}`;
};

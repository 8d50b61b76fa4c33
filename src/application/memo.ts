/**
 * Remembers results of a pure computation by a string key, up to `size` of them (then starts afresh):
 * time-zone arithmetic on the same slots and days repeats on every request.
 */
export const createMemo = <T>(size: number): ((key: string, compute: () => T) => T) => {
  const cache = new Map<string, T>();
  return (key, compute) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (cache.size >= size) cache.clear();
    const value = compute();
    cache.set(key, value);
    return value;
  };
};

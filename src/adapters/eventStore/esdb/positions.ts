import type { Position } from '@eventstore/db-client';

const WIDTH = 20;
const MAX = 10n ** BigInt(WIDTH) - 1n;

const pad = (value: bigint, part: string): string => {
  if (value < 0n || value > MAX) throw new RangeError(`EventStoreDB ${part} position out of range: ${value}`);
  return value.toString().padStart(WIDTH, '0');
};

/** EventStoreDB `$all` positions: "<commit>:<prepare>", each zero-padded to 20 digits so strings sort like positions. */
export const encodeEsdbPosition = ({ commit, prepare }: Position): string =>
  `${pad(commit, 'commit')}:${pad(prepare, 'prepare')}`;

export const decodeEsdbPosition = (position: string): Position => {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`Not an EventStoreDB event store position: "${position}"`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};

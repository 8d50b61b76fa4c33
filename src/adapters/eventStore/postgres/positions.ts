/** PostgreSQL positions: "<transaction id>:<global position>", each zero-padded to 20 digits. */
export const encodePgPosition = (transactionId: string, globalPosition: string): string =>
  `${transactionId.padStart(20, '0')}:${globalPosition.padStart(20, '0')}`;

export const decodePgPosition = (position: string): { transactionId: string; globalPosition: string } => {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`Not a PostgreSQL event store position: "${position}"`);
  return { transactionId: BigInt(match[1]!).toString(), globalPosition: BigInt(match[2]!).toString() };
};

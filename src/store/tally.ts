/**
 * Adds `row`'s counts into the one pending under `key` (the first row for a
 * key is kept as a copy): how usage from many requests becomes one write per
 * account or key and day. Returns true when the key is new.
 */
export function tally<Row extends object>(pending: Map<string, Row>, key: string, row: Row, counts: ReadonlyArray<keyof Row>): boolean {
  const found = pending.get(key);
  if (found === undefined) {
    pending.set(key, { ...row });
    return true;
  }
  for (const field of counts) (found[field] as number) += row[field] as number;
  return false;
}

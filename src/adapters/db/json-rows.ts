/**
 * Rows that come back inside a JSON column (`json_agg(t)`): what the driver's type
 * parsers do for plain columns is done here. Timestamps arrive as text and become
 * Dates; bigints arrive as JSON numbers and, as `parseInt8` does, anything that is not
 * an exact safe integer is refused rather than rounded.
 */
export function rowsFromJson<T>(value: unknown, dateColumns: readonly string[]): T[] {
  const rows = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(rows)) throw new TypeError('expected a JSON array of rows');
  return rows.map((row: Record<string, unknown>) => {
    for (const [column, field] of Object.entries(row)) {
      if (typeof field === 'number' && !Number.isSafeInteger(field)) {
        throw new RangeError(`${column} value ${field} is not a safe integer`);
      }
    }
    for (const column of dateColumns) {
      const field = row[column];
      if (typeof field === 'string') row[column] = new Date(field);
    }
    return row as T;
  });
}

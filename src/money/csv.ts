/**
 * CSV for spreadsheets (RFC 4180 quoting by csv-stringify, a header row). Cells that a spreadsheet would
 * run as a formula — text starting with `=`, `+`, `-`, `@`, a tab or a carriage return, such as a chatbot
 * named "=HYPERLINK(…)" — are prefixed with `'`, so an export never executes what a visitor or a member
 * typed. Numbers and decimal money strings pass as they are.
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
import { stringify } from 'csv-stringify/sync';

const formulaStart = /^[=+\-@\t\r]/;
const plainNumber = /^-?\d+(\.\d+)?$/;

function cellOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return formulaStart.test(text) && !plainNumber.test(text) ? `'${text}` : text;
}

/** One header row of `columns`, then one row per record with those columns' values. */
export function toCsv(columns: readonly string[], records: ReadonlyArray<Record<string, unknown>>): string {
  return stringify([columns, ...records.map((record) => columns.map((column) => cellOf(record[column])))], {
    record_delimiter: '\r\n',
  });
}

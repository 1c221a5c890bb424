import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import { createOperator } from './shoppers.ts';

/**
 * Headers of a platform operator's access token, for a real operator: authentication reads the operator
 * row on every request, so a token for nobody is refused.
 */
export async function operatorHeaders(app: FastifyInstance): Promise<{ authorization: string }> {
  return (await createOperator(app)).headers;
}

export type CsvLine = Record<string, string>;

export function parseCsv(text: string): CsvLine[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as CsvLine[];
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';

/** Headers of a platform operator's access token. */
export function operatorHeaders(app: FastifyInstance): { authorization: string } {
  return { authorization: `Bearer ${app.jwt.sign({ sub: newId(), isOperator: true })}` };
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

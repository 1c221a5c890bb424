import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationsList } from './index.ts';

describe('the migrations list', () => {
  const names = migrationsList.map((migration) => migration.name);

  it('lists every migration file of the folder exactly once', () => {
    const folder = fileURLToPath(new URL('./', import.meta.url));
    const files = readdirSync(folder)
      .filter((file) => /^Migration\d{14}_\w+\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''));
    expect([...names].sort()).toEqual(files.sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs in timestamp order, so a fresh database is built the same way everywhere', () => {
    expect(names).toEqual([...names].sort());
  });
});

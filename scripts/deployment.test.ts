import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../db/src/config.ts';

const compose = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');

/** The shared environment block of docker-compose.yml, with `${NAME:-fallback}` resolved to its fallback. */
function composeEnvironment(): Record<string, string> {
  const block = /^x-minishop-environment: &minishop-environment\n((?: {2}.*\n)+)/m.exec(compose)?.[1] ?? '';
  const environment: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const match = /^ {2}([A-Z][A-Z0-9_]*): (.*)$/.exec(line);
    if (!match) continue;
    const value = (match[2] as string).replace(/^"(.*)"$/, '$1').replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
    environment[match[1] as string] = value;
  }
  return environment;
}

describe('docker-compose.yml', () => {
  it('gives the containers an environment that production accepts', () => {
    const environment = composeEnvironment();
    expect(environment.NODE_ENV).toBe('production');
    const config = loadConfig({ ...environment, HOST: '0.0.0.0', PORT: '3000' });
    expect(config).toMatchObject({ environment: 'production', database: { url: 'postgres://minishop:minishop@postgres:5432/minishop' }, redis: { url: 'redis://redis:6379' } });
  });

  it('runs the API, the workers and the migration from one image with the same code', () => {
    expect(compose).toContain('command: ["node", "--import", "tsx", "api/src/server.ts"]');
    expect(compose).toContain('command: ["node", "--import", "tsx", "workers/src/main.ts"]');
    expect(compose).toMatch(/scripts\/migrate\.ts && node --import tsx scripts\/seed\.ts/);
  });
});

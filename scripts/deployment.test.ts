import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../db/src/config.ts';
import { productionRuntime } from '../bench/lib/bench-process.ts';

const composePath = fileURLToPath(new URL('../docker-compose.yml', import.meta.url));
const compose = readFileSync(composePath, 'utf8');
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
/** The V8 flags `npm start` runs with (as the benchmarks read them): the one list every production entry point must carry, word for word. */
const productionNodeFlags = productionRuntime().nodeFlags;
/** An exec-form command line (Dockerfile CMD, compose `command:`) of plain Node on the build with those flags. */
const nodeCommandLine = (...words: string[]) => `[${['node', ...words].map((word) => JSON.stringify(word)).join(', ')}]`;

const SECRETS = {
  JWT_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  QR_SIGNING_SECRET: 'a-deployment-qr-secret-of-at-least-32-chars',
  STRIPE_SECRET_KEY: 'sk_live_deploymentKey',
  STRIPE_WEBHOOK_SECRET: 'whsec_deploymentSecret',
  CARRIER_WEBHOOK_SECRETS: 'generic=a-deployment-carrier-secret',
};

/** The shared environment block of docker-compose.yml, `${NAME:-fallback}` resolved to its fallback and `${NAME:?...}` to `given`. */
function composeEnvironment(given: Record<string, string>): Record<string, string> {
  const block = /^x-minishop-environment: &minishop-environment\n((?: {2}.*\n)+)/m.exec(compose)?.[1] ?? '';
  const environment: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const match = /^ {2}([A-Z][A-Z0-9_]*): (.*)$/.exec(line);
    if (!match) continue;
    const value = (match[2] as string)
      .replace(/^"(.*)"$/, '$1')
      .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, '$2')
      .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_, name: string) => given[name] ?? '');
    environment[match[1] as string] = value;
  }
  return environment;
}

/** Debian's docker-compose (v1), else the Docker CLI's compose plugin (v2), else null. */
function composeCommand(): string[] | null {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  return null;
}

const command = composeCommand();
// An empty env file, so that a developer's .env next to docker-compose.yml cannot supply the secrets.
const scratch = mkdtempSync(join(tmpdir(), 'minishop-compose-'));
const emptyEnvFile = join(scratch, 'empty.env');
writeFileSync(emptyEnvFile, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `compose config` with exactly these variables (plus PATH and HOME): the exit status and what it printed. */
function composeConfig(variables: Record<string, string>): { status: number | null; output: string } {
  const [binary, ...prefix] = command as string[];
  const result = spawnSync(binary as string, [...prefix, '--env-file', emptyEnvFile, '-f', composePath, 'config'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? scratch, ...variables },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('docker-compose.yml', () => {
  it('has no fallback for any secret: each one is required with ${NAME:?message}', () => {
    for (const name of Object.keys(SECRETS)) {
      expect(compose, name).toMatch(new RegExp(`^ {2}${name}: \\$\\{${name}:\\?[^}]*${name}[^}]*\\}$`, 'm'));
      expect(compose, name).not.toMatch(new RegExp(`\\$\\{${name}:-`));
    }
  });

  it('gives the containers an environment that production accepts once the secrets are set', () => {
    const environment = composeEnvironment(SECRETS);
    expect(environment.NODE_ENV).toBe('production');
    const config = loadConfig({ ...environment, HOST: '0.0.0.0', PORT: '3000' });
    expect(config).toMatchObject({ environment: 'production', database: { url: 'postgres://minishop:minishop@postgres:5432/minishop' }, redis: { url: 'redis://redis:6379' } });
    expect(config.http.trustProxy).toBe(false);
    expect(config.seed.demoInProduction).toBe(false);
  });

  it('runs the API, the workers and the migration from one image with the same code, and seeds no demo logins by default', () => {
    // The build compiled into the image (Dockerfile), on plain Node with the memory flags of `npm start`.
    expect(productionNodeFlags).toContain('--max-old-space-size=192');
    expect(scripts.api).toContain(productionNodeFlags.join(' '));
    expect(scripts.workers).toContain(productionNodeFlags.join(' '));
    expect(dockerfile).toContain(`CMD ${nodeCommandLine(...productionNodeFlags, 'scripts/compiled.mjs', 'api')}`);
    expect(compose).toContain(`command: ${nodeCommandLine(...productionNodeFlags, 'scripts/compiled.mjs', 'api')}`);
    expect(compose).toContain(`command: ${nodeCommandLine(...productionNodeFlags, 'scripts/compiled.mjs', 'workers')}`);
    expect(compose).toContain(`command: ${nodeCommandLine('scripts/compiled.mjs', 'migrate')}`);
    // The workers' container gives way to the API's and PostgreSQL's (default 1024) when they compete for a core.
    const workersService = compose.split(/\n(?= {2}[a-z-]+:\n)/).find((service) => service.startsWith('  workers:\n'));
    expect(workersService).toMatch(/^ {4}cpu_shares: 128$/m);
    expect(compose.match(/cpu_shares/g)).toHaveLength(1);
    expect(compose).not.toContain('tsx');
    // The only service that seeds is behind the demo profile, and it says so explicitly.
    const seeding = compose.split(/\n(?= {2}[a-z-]+:\n)/).filter((service) => service.includes('"scripts/compiled.mjs", "seed"'));
    expect(seeding).toHaveLength(1);
    expect(seeding[0]).toMatch(/^ {2}seed-demo:\n/);
    expect(seeding[0]).toContain('profiles: ["demo"]');
    expect(seeding[0]).toContain('SEED_DEMO_IN_PRODUCTION: "yes"');
  });

  // Skipped, and said so in the name, only on a machine with neither docker-compose nor `docker compose`.
  describe(command ? '`compose config`' : '`compose config` (skipped: neither docker-compose nor `docker compose` is installed)', () => {
    it.skipIf(!command)('fails without the secrets, naming the first one missing', () => {
      const result = composeConfig({});
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/set [A-Z_]+(SECRET|KEY) to/);
    });

    it.skipIf(!command).each(Object.keys(SECRETS))('fails when only %s is missing, naming it', (missing) => {
      const variables: Record<string, string> = { ...SECRETS };
      delete variables[missing];
      const result = composeConfig(variables);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(`set ${missing} to`);
    });

    it.skipIf(!command)('passes with every secret set, and hands them to the containers', () => {
      const result = composeConfig(SECRETS);
      expect(result.status, result.output).toBe(0);
      for (const [name, value] of Object.entries(SECRETS)) expect(result.output).toContain(`${name}: ${value}`);
    });
  });
});

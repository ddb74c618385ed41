/**
 * Goal: docker-compose.yml and the Dockerfile wire what docs/real-network.md promises:
 * Toxiproxy 2.12 (its official image) with the admin and proxy ports published; syncstorm
 * built from the repository's Dockerfile with `npm ci` inside the image, so nothing of the
 * host's node_modules is used (a Mac's esbuild does not run in a Linux container); both
 * services `restart: unless-stopped`, both with healthchecks, syncstorm waiting for
 * Toxiproxy's; `serve` told flags it accepts, on a known schedule.
 * Method: parse both files (the compose file with `yaml`, the Dockerfile line by line with
 * its continuations) and check what they say. No Docker engine runs here: this proves the
 * files say the right things, not that an image builds (docs/real-network.md says so).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { SCHEDULES } from '../../src/realnet/chaos/schedules.ts';

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[];
  ports?: string[];
  volumes?: unknown[];
  restart?: string;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const toxiproxy = compose.services.toxiproxy as Service;
const syncstorm = compose.services.syncstorm as Service;

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const ignored = readFileSync('.dockerignore', 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

function flag(command: readonly string[], name: string): string | undefined {
  const index = command.indexOf(name);
  return index < 0 ? undefined : command[index + 1];
}

test('declares exactly the toxiproxy and syncstorm services, both restarting unless stopped', () => {
  expect(Object.keys(compose.services).sort()).toEqual(['syncstorm', 'toxiproxy']);
  expect(toxiproxy.restart).toBe('unless-stopped');
  expect(syncstorm.restart).toBe('unless-stopped');
});

test('toxiproxy runs the official 2.12.0 image, ports published, health checked with its own CLI', () => {
  expect(toxiproxy.image).toBe('ghcr.io/shopify/toxiproxy:2.12.0');
  expect(toxiproxy.ports).toEqual(expect.arrayContaining(['8474:8474', '8666:8666']));
  // The image is FROM scratch with /toxiproxy and /toxiproxy-cli only: no shell, curl or wget.
  expect(toxiproxy.healthcheck?.test?.slice(0, 2)).toEqual(['CMD', '/toxiproxy-cli']);
  expect(toxiproxy.healthcheck?.test).toContain('list');
});

test('syncstorm is built from the Dockerfile and mounts nothing of the host', () => {
  const build = typeof syncstorm.build === 'string' ? { context: syncstorm.build } : syncstorm.build;
  expect(build?.context).toBe('.');
  expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
  expect(syncstorm.volumes ?? []).toEqual([]);
  expect(syncstorm.depends_on?.toxiproxy?.condition).toBe('service_healthy');
  expect(syncstorm.healthcheck?.test?.join(' ')).toContain('/_syncstorm/health');
});

test('the Dockerfile installs dependencies with npm ci inside the image, never from the context', () => {
  const stages = dockerfile.filter((instruction) => instruction.keyword === 'FROM').map((i) => i.args);
  expect(stages.every((image) => /^node:20[-\w.]*( AS \w+)?$/i.test(image))).toBe(true);
  const runs = dockerfile.filter((instruction) => instruction.keyword === 'RUN').map((i) => i.args);
  expect(runs.some((command) => /\bnpm ci\b/.test(command))).toBe(true);
  const copies = dockerfile.filter((instruction) => instruction.keyword === 'COPY').map((i) => i.args);
  // node_modules comes only from the build stage that ran npm ci.
  for (const copy of copies.filter((args) => args.includes('node_modules'))) expect(copy).toMatch(/--from=deps\b/);
  expect(ignored).toContain('node_modules');
  expect(ignored).toContain('**/node_modules');
  expect(dockerfile.some((instruction) => instruction.keyword === 'USER' && instruction.args !== 'root')).toBe(true);
  expect(dockerfile.some((instruction) => instruction.keyword === 'HEALTHCHECK')).toBe(true);
});

test('syncstorm serves on 0.0.0.0:8787 and drives a known schedule on the toxiproxy service', () => {
  const command = syncstorm.command ?? [];
  expect(command.slice(0, 3)).toEqual(['node', 'bin/syncstorm.mjs', 'serve']);
  expect(flag(command, '--host')).toBe('0.0.0.0');
  // serve refuses a non-loopback --host without it.
  expect(command).toContain('--allow-remote');
  expect(flag(command, '--port')).toBe('8787');
  expect(flag(command, '--proxy-url')).toBe('http://toxiproxy:8474');
  expect(flag(command, '--proxy-listen')).toBe('0.0.0.0:8666');
  expect(flag(command, '--upstream')).toBe('syncstorm:8787');
  expect(SCHEDULES.map((schedule) => schedule.name)).toContain(flag(command, '--schedule'));
  expect(syncstorm.ports).toContain('8787:8787');
});

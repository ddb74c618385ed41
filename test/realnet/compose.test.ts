/**
 * Goal: docker-compose.yml is valid and wires what docs/real-network.md promises: Toxiproxy
 * (the ghcr.io/shopify/toxiproxy image) with its admin port 8474 and the proxy port 8666
 * published, and `syncstorm serve` on 0.0.0.0:8787 playing a schedule on that Toxiproxy,
 * with the proxy listening on 8666 and reaching the server by its service name.
 * Method: parse the file with the `yaml` package (Docker is not needed) and check the parsed
 * services, ports and command; the command's flags must be ones `serve` accepts.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { SCHEDULES } from '../../src/realnet/chaos/schedules.ts';

interface Service {
  image?: string;
  command?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };

function flag(command: readonly string[], name: string): string | undefined {
  const index = command.indexOf(name);
  return index < 0 ? undefined : command[index + 1];
}

test('declares exactly the toxiproxy and syncstorm services', () => {
  expect(Object.keys(compose.services).sort()).toEqual(['syncstorm', 'toxiproxy']);
});

test('toxiproxy runs the official image with the admin and proxy ports published', () => {
  const toxiproxy = compose.services.toxiproxy as Service;
  expect(toxiproxy.image).toMatch(/^ghcr\.io\/shopify\/toxiproxy(:[\w.]+)?$/);
  expect(toxiproxy.ports).toEqual(expect.arrayContaining(['8474:8474', '8666:8666']));
});

test('syncstorm serves on 0.0.0.0:8787 and drives a known schedule on the toxiproxy service', () => {
  const syncstorm = compose.services.syncstorm as Service;
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
  expect(JSON.stringify(syncstorm.depends_on)).toContain('toxiproxy');
  expect(syncstorm.healthcheck?.test?.join(' ')).toContain('/_syncstorm/health');
});

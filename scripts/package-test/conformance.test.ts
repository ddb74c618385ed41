// A user's vitest file: syncstorm's bundled plan and a small fuzz campaign against their client.
import { describeConformance } from 'syncstorm/vitest';
import client from '../client.mjs';

describeConformance({ client, clientSpec: './client.mjs', seeds: 2 });

// Flint itself, as `flint serve` runs it, for the benchmark (child process).
import { configFromEnv } from '../../dist/config.js';
import { startServer } from '../../dist/main.js';

const config = {
  ...configFromEnv(),
  host: '127.0.0.1',
  port: 0,
  logLevel: 'warn',
  rateLimitPerSecond: 1_000_000_000,
  pageRateLimits: { pages: 1_000_000_000, payments: 1_000_000_000 },
  adminToken: 'bench-admin-token',
};
const server = await startServer(config, { migrate: true });
process.send?.({ url: server.url.replace('localhost', '127.0.0.1') });
process.on('message', async (message) => {
  if (message === 'stop') {
    await server.stop();
    process.exit(0);
  }
});

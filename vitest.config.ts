import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests run their simulated web on 127.1.0.0/16 (SIMULATED_WEB_RANGE); nothing may leave the
    // machine, and the rest of loopback stays refused.
    env: { CITEWATCH_ALLOW_PRIVATE_NETWORK: '127.1.0.0/16' },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests run their simulated web on loopback; nothing may leave the machine.
    env: { CITEWATCH_ALLOW_PRIVATE_NETWORK: '1' },
  },
});

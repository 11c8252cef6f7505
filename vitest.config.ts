import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Fixed test secrets: real whsec_ keys so signatures verify with the reference library. */
export const TEST_BINDINGS = {
  ADMIN_TOKEN: "test-admin-token",
  TEST_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  TEST_WEBHOOK_SECRET_NEW: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
  // Write keys are "<site>.<secret>": the worker reads the site from the key.
  TEST_WRITE_KEY: "segtest.wk_5f0c2b7e9a1d4c38e2",
  // The synthetic site of the model report's acceptance test (test/worker/model-report.test.ts).
  TEST_WRITE_KEY_SYNTH: "synth.wk_81c4e0a95d2b7f36",
  // The site of test/worker/outcomes.test.ts's server-side purchases.
  TEST_WRITE_KEY_OUTCOMES: "outsite.wk_3e97a0c5f1d28b64",
  // The demo site's own secrets, as `npm start` generates them into .dev.vars (the README's demo commands run in tests).
  DEMO_WRITE_KEY: "demo.wk_9d2e41c7b05a6f83",
  DEMO_WEBHOOK_SECRET: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
  // Signs user ids for verified identify (worker/identity/token.ts); test sites name it in their config.
  TEST_IDENTITY_SECRET: "ids_4b9e1f0c7a2d58e36f1b",
  // The receiver listens on a random port of 127.0.0.1: allow that host for plain-http webhooks.
  WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
  // 0, 0.5 ms, 30 ms, 180 ms, 0.7 s, 1.8 s, 3.6 s, 3.6 s: the full ~27.6 h schedule in ~10 s.
  WEBHOOK_RETRY_SCALE: "0.0001",
};

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc" }, miniflare: { bindings: TEST_BINDINGS } })],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One Chromium and one local worker at a time: these machines have two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});

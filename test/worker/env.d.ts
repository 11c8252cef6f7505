/// <reference types="vite/client" />
import type { Env as WorkerEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_WEBHOOK_SECRET: string;
      TEST_WEBHOOK_SECRET_NEW: string;
      TEST_WRITE_KEY: string;
      TEST_WRITE_KEY_SYNTH: string;
      TEST_WRITE_KEY_OUTCOMES: string;
      DEMO_WRITE_KEY: string;
      DEMO_WEBHOOK_SECRET: string;
      TEST_IDENTITY_SECRET: string;
    }
  }
}

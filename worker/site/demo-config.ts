import b2cShop from "../../examples/b2c-shop.json";
import type { Env } from "../env";
import { siteConfigSchema, type SiteConfig } from "./config";

/**
 * The demo shop's config: the shipped B2C e-commerce models, first-party origin, verified identity,
 * and the local webhook inspector `npm start` runs on 127.0.0.1:8788.
 */
export function demoConfig(env: Env): SiteConfig {
  return siteConfigSchema.parse({
    ...b2cShop,
    origins: ["self"],
    writeKey: { env: "DEMO_WRITE_KEY" },
    webhooks: [
      { id: "inspector", url: env.DEMO_WEBHOOK_URL ?? "http://127.0.0.1:8788/hooks", secret: { env: "DEMO_WEBHOOK_SECRET" } },
    ],
    promo: { label: "hot", requireEvent: "cart_add", prefix: "HOT-" },
    // The shop's stand-in back end (worker/identity/demo-backend.ts) signs the user id after sign-up.
    identity: { secret: { env: "DEMO_IDENTITY_SECRET" } },
  });
}

/**
 * A typed client of a Leadscore worker: every path, parameter, body and answer typed from its
 * OpenAPI document (`npm run client` generates ./leadscore-api.d.ts; openapi-fetch does the calls).
 *
 * @example
 * const api = leadscoreClient("https://leadscore.example.workers.dev", process.env.ADMIN_TOKEN!);
 * const { data, error, response } = await api.GET("/v1/sites/{site}/config", { params: { path: { site: "shop" } } });
 * await api.PATCH("/v1/sites/{site}/config", {
 *   params: { path: { site: "shop" }, header: { "If-Match": response.headers.get("etag")! } },
 *   body: { origins: ["https://shop.example"] },
 * });
 */
import createClient from "openapi-fetch";
import type { paths } from "./leadscore-api";

export type { components, paths } from "./leadscore-api";

/** The operator API (bearer admin token) and every other endpoint of the worker at `baseUrl`. */
export function leadscoreClient(baseUrl: string, adminToken: string) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });
}

// `leadscore push my-config.json --site shop [--if-match '"v3"'] [--patch]`: publishes the file's
// config (PUT, or a JSON merge patch with --patch), only over the version it was reviewed against.

import { request, sitePath } from "../api.mjs";
import { readJsonFile } from "../files.mjs";

export const PUSH_OPTIONS = {
  "if-match": { type: "string" },
  patch: { type: "boolean", default: false },
  "no-notify": { type: "boolean", default: false },
};

/** A bare version number or "v3" becomes the ETag the worker compares: "v3" in quotes. */
function etagOf(value) {
  return /^\d+$/.test(value) ? `"v${value}"` : /^v\d+$/.test(value) ? `"${value}"` : value;
}

/**
 * Saves the config and answers what to print: the new version, its summary and its warnings.
 * Without --if-match the version in force is read first, so a save made in between is refused, not lost.
 *
 * @example await push({ target: { url, token }, site: "shop", file: "my-config.json", values: { "if-match": "v3" } })
 */
export async function push({ target, site, file, values }) {
  const config = await readJsonFile(file);
  const ifMatch = values["if-match"] === undefined ? (await request(target, "GET", sitePath(site, "/config"))).headers.get("etag") : etagOf(values["if-match"]);
  const query = values["no-notify"] ? "?notify=false" : "";
  const { body } = await request(target, values.patch ? "PATCH" : "PUT", sitePath(site, `/config${query}`), {
    body: config,
    headers: { ...(ifMatch ? { "if-match": ifMatch } : {}), ...(values.patch ? { "content-type": "application/merge-patch+json" } : {}) },
  });
  if (values.json) return JSON.stringify(body, null, 2);
  const lines = [`Published ${file} on site ${site} as version ${body.version}${ifMatch ? ` (over ${ifMatch})` : ""}: ${body.summary}`];
  if (body.warnings.length > 0) {
    lines.push("", `Saved with ${body.warnings.length} warning${body.warnings.length === 1 ? "" : "s"}:`);
    for (const w of body.warnings) lines.push(`  ${w.path}  ${w.message} (${w.code})`);
  }
  return lines.join("\n");
}

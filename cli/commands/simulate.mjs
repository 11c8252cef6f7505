// `leadscore simulate journey.json --site shop [--config my-config.json] [--until 2026-12-08T00:00:00Z]`:
// a journey scored against the config in force (or the given one), storing nothing, as a timeline.

import { CliError, EXIT, request, sitePath } from "../api.mjs";
import { readJsonFile } from "../files.mjs";
import { formatNumber, table } from "../table.mjs";

export const SIMULATE_OPTIONS = {
  config: { type: "string" },
  until: { type: "string" },
};

/** A journey file is a list of events, or `{ events, until? }`. */
function eventsOf(journey, file) {
  const events = Array.isArray(journey) ? journey : journey?.events;
  if (!Array.isArray(events)) throw new CliError(`${file} holds no journey: expected a list of events, or { "events": [...] }`, EXIT.badInput);
  return { events, until: Array.isArray(journey) ? undefined : journey.until };
}

const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * Scores the journey and answers the timeline to print (or the answer itself with --json).
 *
 * @example await simulate({ target: { url, token }, site: "shop", file: "journey.json", values: { config: "my-config.json" } })
 */
export async function simulate({ target, site, file, values }) {
  const { events, until: fileUntil } = eventsOf(await readJsonFile(file), file);
  const config = values.config === undefined ? {} : { config: await readJsonFile(values.config) };
  const until = values.until ?? fileUntil;
  const { body } = await request(target, "POST", sitePath(site, "/simulate"), { body: { events, ...config, ...(until === undefined ? {} : { until }) } });
  if (values.json) return JSON.stringify(body, null, 2);
  const rows = body.timeline.map((step) => [
    iso(step.at),
    step.name ?? "(decay)",
    formatNumber(step.score),
    step.label,
    step.stage,
    step.changes.map((c) => `${c.type.replace("lead.", "")} ${c.from} → ${c.to}`).join(", "),
  ]);
  const against = values.config === undefined ? "the config in force" : values.config;
  return [`Journey ${file} on site ${site}, scored with ${against}; nothing stored, no webhook sent.`, "", table(["at", "event", "score", "label", "stage", "changes"], rows)].join("\n");
}

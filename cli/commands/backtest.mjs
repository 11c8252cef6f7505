// `leadscore backtest my-config.json --site shop [--sample 500] [--seed 1] [--from --to --model --limit]`:
// the site's stored leads replayed under the config in force and under the file's config, side by side.

import { CliError, EXIT, request, sitePath } from "../api.mjs";
import { readJsonFile } from "../files.mjs";
import { changedLeads, sideBySide } from "../report.mjs";

export const BACKTEST_OPTIONS = {
  sample: { type: "string" },
  seed: { type: "string" },
  limit: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  model: { type: "string" },
};

/** A whole number option, or a usage error naming it. */
function wholeNumber(values, name) {
  if (values[name] === undefined) return {};
  if (!/^\d+$/.test(values[name])) throw new CliError(`--${name} takes a whole number, got ${values[name]}`, EXIT.usage);
  return { [name]: Number(values[name]) };
}

/** The options passed on as they are (the worker validates them: a 422 names the one that is wrong). */
function text(values, ...names) {
  return Object.fromEntries(names.filter((n) => values[n] !== undefined).map((n) => [n, values[n]]));
}

/**
 * Runs the backtest and answers the text to print (or the answer itself with --json).
 *
 * @example await backtest({ target: { url, token }, site: "shop", file: "my-config.json", values: { sample: "500" } })
 */
export async function backtest({ target, site, file, values }) {
  const config = await readJsonFile(file);
  const numbers = { ...wholeNumber(values, "sample"), ...wholeNumber(values, "seed"), ...wholeNumber(values, "limit") };
  const { body } = await request(target, "POST", sitePath(site, "/backtest"), { body: { config, ...numbers, ...text(values, "from", "to", "model") } });
  if (values.json) return JSON.stringify(body, null, 2);
  // The leads that move: a page `{ count, leads, next }`, or a plain list.
  const listed = Array.isArray(body.changed) ? body.changed : (body.changed?.leads ?? []);
  const count = Array.isArray(body.changed) ? listed.length : (body.changed?.count ?? listed.length);
  const replayed = body.leads ? ` ${body.leads.replayed ?? body.leads.total} leads replayed${body.leads.failed ? `, ${body.leads.failed} could not be` : ""}.` : "";
  const lines = [`Backtest of ${file} on site ${site}: the config in force (current) against ${file} (candidate).${replayed}`, "", sideBySide(body.current, body.candidate), ""];
  if (count === 0) lines.push("No lead would change label.");
  else lines.push(`Leads whose label would change: ${count}${listed.length < count ? ` (the first ${listed.length} listed; --limit for more)` : ""}`, "", changedLeads(listed));
  return lines.join("\n");
}

// `leadscore backtest my-config.json --site shop [--sample 500] [--seed 1]`: the site's stored leads
// replayed under the config in force and under the file's config, reported side by side.

import { CliError, EXIT, request, sitePath } from "../api.mjs";
import { readJsonFile } from "../files.mjs";
import { changedLeads, sideBySide } from "../report.mjs";

export const BACKTEST_OPTIONS = {
  sample: { type: "string" },
  seed: { type: "string" },
};

/** A whole number option, or a usage error naming it. */
function wholeNumber(values, name) {
  if (values[name] === undefined) return {};
  if (!/^\d+$/.test(values[name])) throw new CliError(`--${name} takes a whole number, got ${values[name]}`, EXIT.usage);
  return { [name]: Number(values[name]) };
}

/** Runs the backtest and answers the text to print (or the answer itself with --json). */
export async function backtest({ target, site, file, values }) {
  const config = await readJsonFile(file);
  const { body } = await request(target, "POST", sitePath(site, "/backtest"), { body: { config, ...wholeNumber(values, "sample"), ...wholeNumber(values, "seed") } });
  if (values.json) return JSON.stringify(body, null, 2);
  const changed = body.changed ?? [];
  const lines = [`Backtest of ${file} on site ${site}: the config in force (current) against ${file} (candidate).`, "", sideBySide(body.current, body.candidate), ""];
  lines.push(changed.length === 0 ? "No lead would change label." : `Leads whose label would change (${changed.length}${body.changedTotal > changed.length ? ` of ${body.changedTotal}` : ""}):\n\n${changedLeads(changed)}`);
  return lines.join("\n");
}

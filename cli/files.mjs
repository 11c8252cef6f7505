// Reading the JSON files a command is given: a missing file is a usage mistake, a file that is not
// JSON is bad input, each with the file's name in the message.

import { readFile } from "node:fs/promises";
import { CliError, EXIT } from "./api.mjs";

/**
 * The parsed JSON of a file.
 *
 * @example const config = await readJsonFile("my-config.json")
 */
export async function readJsonFile(path) {
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CliError(`Cannot read ${path}: ${err.code === "ENOENT" ? "no such file" : err.message}`, EXIT.usage);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not valid JSON: ${err.message}`, EXIT.badInput);
  }
}

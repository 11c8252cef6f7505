/**
 * JSON Schema validation in the browser, reported the way the worker reports a 422: one issue per
 * mistake with its JSON path. A validator lists every branch of a union that failed; like the
 * worker, this keeps only the branch the author meant (one whose form, object or string or number,
 * the value has, with the fewest problems), so a wrong `points` reads as one issue on `points` rather
 * than a dozen about a fit rule the operator never meant to write.
 */
import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";
import { pointerSegments, pointerToJsonPath } from "./json-paths";

export interface Issue {
  path: string;
  message: string;
}

/** Keywords that only say "something below failed": the leaves below say what. */
const CONTAINERS = new Set(["properties", "items", "prefixItems", "$ref", "anyOf", "oneOf", "allOf", "dependentSchemas", "if", "then", "else", "not"]);
const UNION = /^(.*?\/(?:anyOf|oneOf))\/(\d+)(?=\/|$)/;

interface Leaf {
  at: string;
  via: string;
  /** How much of `via` the unions already resolved have consumed. */
  from: number;
  keyword: string;
  message: string;
}

/** Keywords that say the value is not of a branch's form at all (a string where it wants an object). */
const FORM_KEYWORDS = new Set(["type", "const", "enum"]);

/**
 * A validator for a JSON Schema (draft 2020-12, as the worker's `/config.schema.json` is).
 *
 * @example const check = schemaChecker(await (await fetch("/config.schema.json")).json()); check(config) // []
 */
export function schemaChecker(schema: Schema): (value: unknown) => Issue[] {
  const validator = new Validator(schema, "2020-12", false);
  return (value) => {
    const result = validator.validate(value);
    return result.valid ? [] : leafIssues(result.errors, schema);
  };
}

/** Keywords whose own message says nothing an operator can act on ("String does not match pattern."). */
const DESCRIBED_KEYWORDS = new Set(["pattern", "format"]);

/**
 * The description nearest above a keyword of the schema (`#/properties/models/items/$ref/…/pattern`,
 * following each `$ref`): what the value should look like, in the schema's words.
 */
function descriptionAt(schema: Schema, keywordLocation: string): string | undefined {
  let node: unknown = schema;
  let found: string | undefined;
  for (const key of pointerSegments(keywordLocation).slice(0, -1)) {
    const here = node as Record<string, unknown> | undefined;
    node = key === "$ref" && typeof here?.$ref === "string" ? refTarget(schema, here.$ref) : here?.[key];
    const description = (node as { description?: unknown } | undefined)?.description;
    if (typeof description === "string") found = description;
  }
  return found;
}

function refTarget(schema: Schema, ref: string): unknown {
  return pointerSegments(ref).reduce<unknown>((n, part) => (n as Record<string, unknown> | undefined)?.[part], schema);
}

/** The mistakes themselves, unions resolved to their closest branch. */
export function leafIssues(errors: readonly OutputUnit[], schema?: Schema): Issue[] {
  const leaves: Leaf[] = [];
  // Where each union was tried: one schema location serves many instances (every rule of a list).
  const unions = new Map<string, string[]>();
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (e.keyword === "anyOf" || e.keyword === "oneOf") unions.set(e.keywordLocation, [...(unions.get(e.keywordLocation) ?? []), e.instanceLocation]);
    if (e.keyword === "additionalProperties") {
      // The validator reports an unknown property twice: here with the schema location, then as a
      // `false` schema at the property itself. Keep one, with both halves.
      const next = errors[i + 1];
      if (next?.keyword === "false") {
        const name = decodeURIComponent(next.instanceLocation.split("/").pop() ?? "");
        leaves.push({ at: next.instanceLocation, via: e.keywordLocation, from: 0, keyword: "additionalProperties", message: `"${name}" is not a known property here` });
        i++;
      }
      continue;
    }
    if (CONTAINERS.has(e.keyword)) continue;
    const description = schema && DESCRIBED_KEYWORDS.has(e.keyword) ? descriptionAt(schema, e.keywordLocation) : undefined;
    leaves.push({ at: e.instanceLocation, via: e.keywordLocation, from: 0, keyword: e.keyword, message: description ?? tidy(e.error) });
  }
  const seen = new Set<string>();
  return closestBranches(leaves, unions)
    .map((l) => ({ path: pointerToJsonPath(l.at), message: l.message }))
    .filter((issue) => {
      const key = `${issue.path}\u0000${issue.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

function closestBranches(leaves: Leaf[], unions: Map<string, string[]>): Leaf[] {
  const plain: Leaf[] = [];
  const groups = new Map<string, Map<string, Leaf[]>>();
  for (const leaf of leaves) {
    const m = UNION.exec(leaf.via.slice(leaf.from));
    if (!m) {
      plain.push(leaf);
      continue;
    }
    const unionAt = leaf.via.slice(0, leaf.from) + m[1];
    // The instance the union was tried on: the deepest one of its tries that contains this leaf.
    const instance = (unions.get(unionAt) ?? [""]).filter((i) => leaf.at === i || leaf.at.startsWith(`${i}/`)).sort((a, b) => b.length - a.length)[0] ?? "";
    const key = `${unionAt}|${instance}`;
    const branches = groups.get(key) ?? new Map<string, Leaf[]>();
    branches.set(m[2]!, [...(branches.get(m[2]!) ?? []), { ...leaf, from: leaf.from + m[0].length }]);
    groups.set(key, branches);
  }
  const chosen = [...groups].flatMap(([key, branches]) => {
    const instance = key.slice(key.indexOf("|") + 1);
    // Each branch with its own unions resolved first, so a branch is judged by what it would report.
    const resolved = [...branches.values()].map((leaves) => closestBranches(leaves, unions));
    // Like the worker: a branch whose form the value does not have is not what the author meant,
    // unless no branch's form fits; then the one with the fewest problems.
    const fitting = resolved.filter((leaves) => !leaves.some((l) => l.at === instance && FORM_KEYWORDS.has(l.keyword)));
    return (fitting.length > 0 ? fitting : resolved).reduce((a, b) => (b.length < a.length ? b : a));
  });
  return [...plain, ...chosen];
}

function tidy(message: string): string {
  return message.replace(/^Instance /, "Value ");
}

/**
 * One problem with an input as the contract reports it: `{ path, message }`, `path` a JSON path into
 * what was sent ("$.events[2].name"). Every 400 and 422 of the worker builds its issues here, so a
 * request body, a Segment batch and a site config all read alike.
 */
import type { z } from "zod";

export interface Issue {
  path: string;
  message: string;
}

export type PathPart = string | number;

/** How many issues one answer lists: enough for any real config, bounded for a hostile body. */
export const MAX_ISSUES = 100;

/**
 * A JSON path from path segments; keys that are not identifiers are quoted.
 *
 * @example jsonPath(["models", 0, "rules", 2, "points"]) // "$.models[0].rules[2].points"
 * @example jsonPath(["props", "utm-x"])                  // '$.props["utm-x"]'
 */
export function jsonPath(parts: ReadonlyArray<PropertyKey>): string {
  return parts.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    const key = String(part);
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${acc}.${key}` : `${acc}[${JSON.stringify(key)}]`;
  }, "$");
}

/**
 * The value at `parts` inside `root`, or undefined when the path leaves the input.
 *
 * @example valueAt({ models: [{ id: "m" }] }, ["models", 0, "id"]) // "m"
 */
export function valueAt(root: unknown, parts: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const part of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

type ZodIssue = z.core.$ZodIssue;
type UnionIssue = Extract<ZodIssue, { code: "invalid_union" }>;

/** A branch whose own type did not match (a string where it wants an object) is not what the author meant. */
function isRootTypeMismatch(issues: readonly ZodIssue[]): boolean {
  return issues.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value" || i.code === "invalid_union"));
}

/**
 * Union branches whose key names the author's intent: in a config's rules, `trait` is a fit rule,
 * `absence` an absence rule, `all` a combined rule, anything else a behaviour rule (ruleSchema's
 * order). Data, so a new rule kind adds a key rather than a branch.
 */
const BRANCH_BY_KEY: ReadonlyArray<{ parent: string; keys: Readonly<Record<string, number>>; otherwise: number; branches: number }> = [
  { parent: "rules", keys: { trait: 1, absence: 2, all: 3 }, otherwise: 0, branches: 4 },
];

/**
 * The branch the author meant: one named by a key (see BRANCH_BY_KEY), else the branch whose type
 * matched with the fewest problems. Undefined when no branch's type matched at all.
 */
function chooseBranch(issue: UnionIssue, value: unknown, path: readonly PropertyKey[]): readonly ZodIssue[] | undefined {
  const branches = issue.errors;
  const parent = path.length >= 2 ? path[path.length - 2] : undefined;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const row = BRANCH_BY_KEY.find((r) => r.parent === parent && r.branches === branches.length);
    if (row) return branches[Object.entries(row.keys).find(([key]) => key in value)?.[1] ?? row.otherwise];
  }
  const matched = branches.filter((b) => !isRootTypeMismatch(b));
  if (!matched.length) return undefined;
  return matched.reduce((best, b) => (b.length < best.length ? b : best));
}

/** zod's default message, which a schema replaces with `{ error }` when it can say more. */
const GENERIC_UNION_MESSAGE = "Invalid input";

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value) ?? String(value);
}

/** No branch's type fits: say what the forms are (the schema's own message when it has one). */
function unionMismatch(issue: UnionIssue, value: unknown): string {
  if (issue.message && issue.message !== GENERIC_UNION_MESSAGE) return issue.message;
  const expected = [...new Set(issue.errors.flatMap((b) => b.filter((i) => i.path.length === 0).map((i) => i.message.replace(/^Invalid input: /, ""))))];
  return `none of the accepted forms fits ${describeValue(value)}: ${expected.join("; ")}`;
}

function flatten(issues: readonly ZodIssue[], root: unknown, base: readonly PropertyKey[], out: Issue[]): void {
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length) {
      const value = valueAt(root, path);
      const branch = chooseBranch(issue, value, path);
      if (branch) flatten(branch, root, path, out);
      else out.push({ path: jsonPath(path), message: value === undefined ? "required" : unionMismatch(issue, value) });
      continue;
    }
    out.push({ path: jsonPath(path), message: issue.message });
  }
}

/**
 * A zod error as the contract's issues. A value matching no branch of a union is reported through the
 * branch the author meant (so a rule with a typo says which key is wrong, not "invalid input"); give
 * `input` (what was parsed) so the chooser can look at the value.
 *
 * @example issuesFromZod(siteConfigSchema.safeParse(body).error!, body)
 * // [{ path: "$.models[0].rules[0].when.props.total.gte", message: "Invalid input: expected number, received string" }]
 */
export function issuesFromZod(error: z.ZodError, input?: unknown, max = MAX_ISSUES): Issue[] {
  const out: Issue[] = [];
  flatten(error.issues, input, [], out);
  return out.slice(0, max);
}


/**
 * Warnings (not errors) about path globs that likely miss what a site owner meant: `"/careers*"`
 * stops at the end of its segment, so it matches `/careers` and `/careers.html` but not
 * `/careers/barista`. Flagged when a path shows that real paths continue past the glob: one of the
 * `paths` given (e.g. the site's recent page paths) or a deeper path the config itself names.
 */
import { ruleKind } from "./compile";
import { globRegex } from "./glob";
import { jsonPath } from "./issues";
import { CONTENT_STAGES, type ScoringConfig, type When } from "./schema";

export interface GlobWarning {
  path: string;
  glob: string;
  message: string;
}

/** A glob, where it is, and the list it belongs to (a path another glob of the list matches is not missed). */
type Located = { glob: string; path: string; list: string[] };

function located(globs: string | string[] | undefined, parts: Array<string | number>): Located[] {
  if (globs === undefined) return [];
  if (typeof globs === "string") return [{ glob: globs, path: jsonPath(parts), list: [globs] }];
  return globs.map((glob, i) => ({ glob, path: jsonPath([...parts, i]), list: globs }));
}

function whenGlobs(when: When | undefined, parts: Array<string | number>): Located[] {
  return when ? [...located(when.path, [...parts, "path"]), ...located(when.visit?.landing, [...parts, "visit", "landing"])] : [];
}

/** Every path glob of the config with its JSON path. */
function allGlobs(config: ScoringConfig): Located[] {
  return config.models.flatMap((model, m) => {
    const base = ["models", m];
    const fromRules = model.rules.flatMap((rule, r) => {
      const parts = [...base, "rules", r];
      if (ruleKind(rule) === "combined" && "all" in rule) return rule.all.flatMap((step, s) => whenGlobs(step.when, [...parts, "all", s, "when"]));
      return "when" in rule ? whenGlobs(rule.when, [...parts, "when"]) : [];
    });
    const fromStages = CONTENT_STAGES.flatMap((stage) => located(model.contentStages?.[stage], [...base, "contentStages", stage]));
    return [...fromRules, ...fromStages];
  });
}

/** The literal paths a glob list names (no wildcard): evidence of the site's real paths. */
function literalPaths(globs: Located[]): string[] {
  return globs.map((g) => g.glob.replace(/^!/, "")).filter((g) => !/[*?[\]{}()!+@]/.test(g));
}

/** A glob whose last segment ends in a single `*`: it stops at the next "/". */
function endsAtSegment(glob: string): boolean {
  return /[^*/]\*$/.test(glob) || /\/\*$/.test(glob);
}

/**
 * The globs a real path continues past: `"/careers*"` with `/careers/barista` among the paths (or the
 * config's own globs) gets a warning naming that path and what to write instead.
 *
 * @example globWarnings(config, ["/careers/barista"])
 * // [{ path: "$.models[0].rules[3].when.path", glob: "/careers*", message: '"/careers*" does not match "/careers/barista" ...' }]
 */
export function globWarnings(config: ScoringConfig, paths: readonly string[] = []): GlobWarning[] {
  const globs = allGlobs(config);
  const known = [...new Set([...paths, ...literalPaths(globs)])];
  const warnings: GlobWarning[] = [];
  for (const { glob, path, list } of globs) {
    const body = glob.replace(/^!/, "");
    if (!endsAtSegment(body)) continue;
    const re = globRegex(body);
    // Globs of the same kind (include or exclude) in the same list that already reach further.
    const siblings = list.filter((g) => g.startsWith("!") === glob.startsWith("!")).map((g) => globRegex(g.replace(/^!/, "")));
    // A path the list misses although a leading part of it matches the glob: the path goes on past the boundary.
    const past = known.find(
      (p) => !siblings.some((s) => s.test(p)) && p.split("/").some((_, i, parts) => i > 0 && i < parts.length - 1 && re.test(parts.slice(0, i + 1).join("/"))),
    );
    if (past === undefined) continue;
    const section = body.endsWith("/*") ? `${body}*` : `${body.slice(0, -1)}/**`;
    warnings.push({
      path,
      glob,
      message: `"${glob}" does not match "${past}": a * stops at the next "/". For the whole section write ["${body}", "${section}"] or "${section}"`,
    });
  }
  return warnings;
}

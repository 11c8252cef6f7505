/** JSON Merge Patch (RFC 7396): how `PATCH …/config` changes part of a config. */

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Applies a merge patch to a JSON document, as RFC 7396 section 2 defines it: an object patch merges
 * key by key, `null` removes a key, anything else (arrays included) replaces the value whole.
 * Neither input is modified. Keys become own data properties, so a `"__proto__"` key stays data.
 *
 * @example mergePatch({ origins: ["self"], models: [a] }, { models: [b] }) // { origins: ["self"], models: [b] }
 * @example mergePatch({ promo: { label: "hot" } }, { promo: null })     // {}
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const base = isObject(target) ? target : {};
  const keys = [...new Set([...Object.keys(base), ...Object.keys(patch)])];
  return Object.fromEntries(
    keys.flatMap((key) => {
      if (!Object.hasOwn(patch, key)) return [[key, base[key]]];
      if (patch[key] === null) return [];
      return [[key, mergePatch(base[key], patch[key])]];
    }),
  );
}

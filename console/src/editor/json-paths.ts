/**
 * JSON paths as the worker writes them ("$.models[0].rules[2].points") and as JSON Schema
 * validators write them ("#/models/0/rules/2/points"), and where in the editor's text each points.
 */
import { findNodeAtLocation, type Node, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";

export type PathSegment = string | number;

/** `.name`, `[3]`, or `["a name with dots"]` (a JSON string), as the worker writes them. */
const PATH_SEGMENT = /\.([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;

/**
 * Splits a worker JSON path into segments.
 *
 * @example parseJsonPath("$.models[0].rules[2].points") // ["models", 0, "rules", 2, "points"]
 * @example parseJsonPath('$.models[0].audience["company.size"]') // ["models", 0, "audience", "company.size"]
 */
export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of path.replace(/^\$/, "").matchAll(PATH_SEGMENT)) segments.push(m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? (JSON.parse(m[3]) as string) : m[1]!);
  return segments;
}

/**
 * A JSON Pointer fragment's segments, unescaped.
 *
 * @example pointerSegments("#/$defs/a~1b/0") // ["$defs", "a/b", "0"]
 */
export function pointerSegments(pointer: string): string[] {
  return pointer.replace(/^#/, "").split("/").slice(1).map((p) => decodeURIComponent(p).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Turns a JSON Pointer fragment into a worker-style JSON path, so both sources of issues read alike.
 *
 * @example pointerToJsonPath("#/models/0/rules/2/points") // "$.models[0].rules[2].points"
 */
export function pointerToJsonPath(pointer: string): string {
  return pointerSegments(pointer).reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), "$");
}

/** The editor's text parsed with positions: the value (when the syntax is right) and the first syntax error. */
export interface ParsedText {
  value: unknown;
  tree: Node | undefined;
  syntaxErrors: Array<{ offset: number; message: string }>;
}

/**
 * Parses strict JSON keeping where every node sits in the text.
 *
 * @example parseWithPositions('{"a": 1}').value // { a: 1 }
 */
export function parseWithPositions(text: string): ParsedText {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // The parser reads on past a mistake and reports what that mistake made it misread (a doubled comma
  // gave four issues on two lines): the first is the one to fix.
  const syntaxErrors = errors.slice(0, 1).map((e) => ({ offset: e.offset, message: describeParseError(printParseErrorCode(e.error)) }));
  let value: unknown = undefined;
  if (syntaxErrors.length === 0) value = JSON.parse(text);
  return { value, tree, syntaxErrors };
}

/** jsonc-parser's codes ("CommaExpected") as a sentence ("Comma expected"). */
function describeParseError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Where a path points in the text: the property's key when it names one, else the value; a path
 * to something absent (a missing property) points at the nearest parent that exists.
 *
 * @example offsetOfPath(tree, ["models", 0, "rules"]) // offset of `"rules"` in the text
 */
export function offsetOfPath(tree: Node | undefined, segments: PathSegment[]): number {
  if (!tree) return 0;
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    if (node) return node.parent?.type === "property" ? node.parent.offset : node.offset;
  }
  return 0;
}

/**
 * The 1-based line of an offset.
 *
 * @example lineOfOffset("a\nb\nc", 2) // 2
 */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The offset where a 1-based line starts. */
export function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return offset;
}

/**
 * The path of a URL a client sent, or undefined when it does not parse: a malformed URL loses its
 * path rules, never the event.
 *
 * @example pathOf("https://shop.example/pricing?plan=pro") // "/pricing"
 */
export function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

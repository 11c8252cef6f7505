/**
 * A random id for anonymous ids and event ids: three 32-bit words from crypto.getRandomValues (which
 * works on plain-http pages too, unlike crypto.randomUUID), in decimal because that is the cheapest
 * encoding to write.
 *
 * @example randomId() // "3482734982-129837123-2938471"
 */
export const randomId = (): string => crypto.getRandomValues(new Uint32Array(3)).join("-");

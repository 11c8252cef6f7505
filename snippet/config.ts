/**
 * Settings read from the script tag that loaded the snippet.
 *
 * `document.currentScript` is only set while a classic script first runs, so it is read here, at module
 * evaluation, which esbuild's IIFE performs synchronously (tag managers inserting a <script> element
 * keep it set too).
 */
const script = document.currentScript as HTMLScriptElement;
/** The script tag's data-* attributes (`data-no-downloads` is `"noDownloads" in DATA`). */
export const DATA = script.dataset;

/** The public site id (`data-site`). */
export const SITE = DATA.site;

/** What the one-line stub queued before load: `[method, arguments]` pairs. */
export type Stub = { q?: [string, ArrayLike<unknown>][] };
/** The stub, or a stand-in when the page has none. */
export const STUB: Stub = (window as { leadscore?: Stub }).leadscore || { q: [] };

/**
 * Whether this copy runs at all: it needs a site, and a real instance (which has no queue) means the
 * script is on the page twice. Every module checks it before touching the page.
 */
export const ACTIVE = SITE && STUB.q;

/**
 * Where batches go (`data-endpoint`), by default the origin the script came from, so a site that proxies
 * `/leadscore.js` first-party also proxies its events. Given without a trailing slash.
 */
export const ENDPOINT = DATA.endpoint || new URL(script.src).origin;

/** `data-track-query`: count query-string-only changes (`?page=2`) as new page views. */
export const TRACK_QUERY = "trackQuery" in DATA;

/**
 * `data-consent="required"`: send and store nothing until `leadscore.consent(true)`.
 * Global Privacy Control is a legally recognised opt-out signal in some jurisdictions (e.g. the CCPA),
 * so a browser sending it gets the same treatment. Do-Not-Track is deprecated and ignored on purpose.
 */
export const CONSENT_REQUIRED: unknown = DATA.consent == "required" || (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;


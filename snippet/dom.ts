/**
 * `window.addEventListener`, unbound: WebIDL runs a Window method called without `this` on the global,
 * and every capture the snippet needs reaches the window (click and submit in the capture phase,
 * visibilitychange by bubbling from the document). Saves its name in the minified output.
 */
export const listen = addEventListener;

import { identify, track } from "./api";
import { ACTIVE } from "./config";
import { listen } from "./dom";
import type { Props } from "./queue";

// Tested against "type name autocomplete", so never read, whatever the site tags: file, password and
// hidden fields, payment and credential fields by name or autocomplete token (cc-number, cc-csc,
// current-password, one-time-code). "cc" only at a word start, so "account" or "success" stay.
const SECRET = /^file|pass|hidden|card|cv[vc]|iban|one-time|\bcc|_cc/i;

/**
 * The submit of `<form data-leadscore-identify>` identifies the visitor by its e-mail field
 * (`type=email`, or a name containing "email") with its other filled fields as traits. FormData yields
 * exactly what the browser would submit: no unchecked boxes, no disabled fields.
 * Captured, so it runs even when the site's own handler cancels the submit to post it by fetch.
 */
if (ACTIVE)
  listen(
    "submit",
    (e) => {
      const form = e.target as HTMLFormElement;
      let email: unknown;
      const traits: Record<string, string> = {};
      for (const [name, value] of new FormData(form) as unknown as [string, string][]) {
        // A form exposes its controls by name (a radio group as a list, whose type is undefined); an
        // entry added by a `formdata` handler has no control at all.
        const el = ((form as any)[name] || {}) as HTMLInputElement;
        if (!value || SECRET.test(`${el.type} ${name} ${el.autocomplete}`)) continue;
        if (/e-?mail/i.test(el.type + name)) email = value;
        else traits[name] = value;
      }
      // Attributes, not the form's properties: a field named "id", "name" or "action" shadows those.
      if (form.hasAttribute("data-leadscore-identify"))
        email && identify(email, traits),
          track("form_submit", { id: form.getAttribute("id"), name: form.getAttribute("name"), action: new URL(form.getAttribute("action") || "", location.href).pathname } as Props);
    },
    true,
  );

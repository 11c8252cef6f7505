import { track } from "./api";
import { DATA } from "./config";

/** A link's file name when its extension is a common download's (the worker adds `ext` from it). */
const FILE = /[^/]+\.(pdf|zip|docx?|xlsx?|pptx?|csv|txt|dmg|exe|mp[34])$/i;

/**
 * A click on a link to a file tracks `download {file}`, on a link to another host `outbound_click
 * {host}`; called by clicks.ts for clicks no data-leadscore-event claimed. `data-no-downloads` and
 * `data-no-outbound` on the script tag turn either off (read per click: no module state). Sent before the
 * click returns, while the page that was clicked still lives: the click usually leaves it. `host` is empty
 * for mailto:, tel: and javascript: links, which are not outbound visits.
 */
export const trackLink = (a: HTMLAnchorElement | null, file?: RegExpExecArray | null) =>
  a &&
  (!("noDownloads" in DATA) && (file = FILE.exec(a.pathname))
    ? track("download", { file: file[0] }, 2)
    : "noOutbound" in DATA || (a.host && a.host != location.host && track("outbound_click", { host: a.host }, 2)));

import { track } from "./api";
import { DOWNLOADS, OUTBOUND } from "./config";

/** The file name of a link's path when its extension makes it a download (after Plausible's list, plus office and disk-image formats). */
const FILE = /([^/]*\.(pdf|zip|rar|7z|gz|dmg|exe|msi|apk|docx?|xlsx?|pptx?|csv|txt|epub|mp[34]|mov|wav))$/i;

/**
 * A click on a link to a file tracks `download {file, ext}`, on a link to another host
 * `outbound_click {host}`; called by clicks.ts for clicks that no data-leadscore-event claimed. Sent on
 * the next task, while the page that was clicked still lives: the click usually leaves it. `host` is empty for
 * mailto:, tel: and javascript: links, which are not outbound visits.
 */
export const trackLink = (a: HTMLAnchorElement | null, ext?: RegExpExecArray | null) => {
  if (a)
    DOWNLOADS && (ext = FILE.exec(a.pathname))
      ? track("download", { file: ext[1]!, ext: ext[2]! }, 1)
      : OUTBOUND && a.host && a.host != location.host && track("outbound_click", { host: a.host }, 1);
};

import { track } from "./api";
import { ACTIVE } from "./config";

/**
 * Built-in `chat_open` for widely used chat widgets: the global each widget defines, and its
 * documented event for a visitor opening or starting a chat.
 */
const WIDGETS: Record<string, string> = {
  Intercom: "onShow",
  $crisp: "chat:opened",
  drift: "chatOpen",
  HubSpotConversations: "conversationStarted",
  Tawk_API: "onChatStarted",
};

const opened = () => track("chat_open");

/**
 * Hooks whichever widgets are present, each once. The widgets' APIs come in four shapes, told apart by
 * what the global offers: a command function (Intercom), an emitter (Drift, HubSpot), a command queue
 * (Crisp's `$crisp` array) or callback properties (Tawk: taken only when the site left it free, since
 * chaining a site's own callback costs more bytes than it is worth). Intercom's, Drift's and Crisp's
 * pre-load stubs queue the subscription, so hooking before the widget has loaded is fine.
 */
const scan = () => {
  for (const g in WIDGETS) {
    const w = (window as any)[g];
    const event = WIDGETS[g]!;
    if (w)
      delete WIDGETS[g],
        w.call
          ? w(event, opened)
          : w.on
            ? w.on(event, opened)
            : w.push
              ? w.push(["on", event, opened])
              : (w[event] = w[event] || opened);
  }
};

// Widgets load asynchronously, so look now and again a few seconds later; polling longer would cost
// every visitor for the rare slow widget.
if (ACTIVE) setTimeout(scan), setTimeout(scan, 4e3);

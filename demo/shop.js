// Lumen Coffee demo shop: the page furniture around the Leadscore snippet (lead badge, promo toast, fake
// chat, cart counter, signup form, and the configurator's client-side routing). Loaded after the snippet,
// but it only talks to `window.leadscore`, so it works as well while the snippet is still queued.
(function () {
  "use strict";
  // Always look the global up again: the snippet may swap the queue stub for its real object.
  function ls() { return window.leadscore; }
  var LEAD_KEY = "lumen-lead";
  var CART_KEY = "lumen-cart";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function read(key, fallback) {
    try { var v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  // --- lead badge -------------------------------------------------------------------------------------
  // The snippet reports a label only when it changes, so remember the last one for the next page.
  function showLead(label, lead) {
    var badge = $("[data-lead-badge]");
    if (!badge) return;
    badge.setAttribute("data-label", label || "none");
    $("[data-lead-label]", badge).textContent = label || "new";
    var score = lead && typeof lead.score === "number" ? Math.round(lead.score) : null;
    $("[data-lead-score]", badge).textContent = score === null ? "" : "· " + score;
  }
  var saved = read(LEAD_KEY, null);
  if (saved) showLead(saved.label, saved);
  ls().on("label", function (label, lead) {
    write(LEAD_KEY, { label: label, score: lead && lead.score });
    showLead(label, lead);
    var badge = $("[data-lead-badge]");
    if (badge) { badge.classList.remove("pulse"); void badge.offsetWidth; badge.classList.add("pulse"); }
  });

  // --- toast ------------------------------------------------------------------------------------------
  var toastTimer;
  function toast(text, code) {
    var el = $("[data-toast]");
    if (!el) return;
    // A promo code stays until it times out; small notices must not push it away.
    if (!code && !el.hidden && el.classList.contains("promo")) return;
    el.textContent = "";
    el.appendChild(document.createTextNode(text));
    if (code) {
      var c = document.createElement("code");
      c.textContent = code;
      c.setAttribute("data-promo-code", "");
      el.appendChild(document.createTextNode(" "));
      el.appendChild(c);
    }
    el.classList.toggle("promo", !!code);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, code ? 15000 : 3000);
  }
  ls().on("action", function (a) {
    if (a && a.type === "promo" && a.code) toast("Thanks for shopping with us! 10% off your order with code", a.code);
  });

  // --- cart -------------------------------------------------------------------------------------------
  function showCart() { $all("[data-cart-count]").forEach(function (el) { el.textContent = String(read(CART_KEY, 0)); }); }
  showCart();
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-add-to-cart]");
    if (!button) return;
    write(CART_KEY, read(CART_KEY, 0) + 1);
    showCart();
    toast("Added to cart: " + (button.getAttribute("data-product-name") || "item"));
  });

  // --- chat -------------------------------------------------------------------------------------------
  var launcher = $("[data-chat-launcher]");
  var panel = $("[data-chat-panel]");
  var REPLIES = [
    [/ship|deliver/i, "We ship within 48 hours of roasting; free over €50."],
    [/price|cost|discount|cheap/i, "Our subscriptions start at €12 a month, and Daily subscribers get 10% off all gear."],
    [/grind|burr|grinder/i, "The C1 has 48 mm conical burrs and 40 settings: espresso to cold brew."],
    [/quote|office|wholesale|team/i, "Happy to help! Use “Request a quote” on the Visit page and we will be in touch today."],
  ];
  function openChat(open) {
    if (!panel || !launcher) return;
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { var input = $("input", panel); if (input) input.focus(); }
  }
  if (launcher) launcher.addEventListener("click", function () { openChat(true); });
  var close = $("[data-chat-close]");
  if (close) close.addEventListener("click", function () { openChat(false); });
  var chatForm = $("[data-chat-form]");
  if (chatForm) chatForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = chatForm.elements.chat;
    var text = input.value.trim();
    if (!text) return;
    var log = $("[data-chat-log]");
    function say(who, line) {
      var li = document.createElement("li");
      li.className = who;
      li.textContent = line;
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
    }
    say("me", text);
    input.value = "";
    var reply = "Good question! A roaster will get back to you shortly.";
    for (var i = 0; i < REPLIES.length; i++) if (REPLIES[i][0].test(text)) { reply = REPLIES[i][1]; break; }
    setTimeout(function () { say("bot", reply); }, 600);
  });

  // --- signup -----------------------------------------------------------------------------------------
  // Listen on window, i.e. after the snippet's own submit handler has read the form, then keep the page:
  // a demo has no back end to post the form to.
  window.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-signup-form")) return;
    ev.preventDefault();
    ls().track("signup", { plan: "free" });
    var done = $("[data-signup-done]", form);
    if (done) done.hidden = false;
    var submit = $("button[type=submit]", form);
    if (submit) submit.disabled = true;
  });

  // --- start over -------------------------------------------------------------------------------------
  $all("[data-reset-visitor]").forEach(function (b) {
    b.addEventListener("click", function () {
      ls().reset();
      write(LEAD_KEY, null);
      write(CART_KEY, null);
      showLead(null, null);
      showCart();
      toast("You are a new anonymous visitor now.");
    });
  });

  // --- configurator (app.html, served for every /app/* path) -----------------------------------------
  var views = $all("[data-view]");
  if (views.length) {
    var CHOICES_KEY = "lumen-configurator";
    var SETUPS = {
      "pour-over": "Conical burr grinder C1 and gooseneck kettle G2",
      "french-press": "Conical burr grinder C1 set coarse, with a 1 l French press",
      "espresso": "Conical burr grinder C1 with espresso burrs",
    };
    var BEANS = { fruity: "Ethiopia Guji", chocolate: "Brazil Cerrado", bold: "Sumatra Mandheling" };
    var viewFor = function (path) {
      var m = /^\/app\/(step-1|step-2|done)\/?$/.exec(path);
      return m ? m[1] : "step-1";
    };
    var render = function () {
      var view = viewFor(location.pathname);
      views.forEach(function (v) { v.hidden = v.getAttribute("data-view") !== view; });
      $all("[data-step-marker]").forEach(function (li) {
        li.classList.toggle("current", li.getAttribute("data-step-marker") === view);
      });
      var choices = read(CHOICES_KEY, {});
      $all("[data-choice]").forEach(function (group) {
        $all(".choice", group).forEach(function (b) { b.classList.toggle("selected", choices[group.getAttribute("data-choice")] === b.value); });
      });
      var summary = $("[data-app-summary]");
      if (summary) summary.textContent = (SETUPS[choices.method] || SETUPS["pour-over"]) + ", plus a bag of " + (BEANS[choices.taste] || BEANS.fruity) + ".";
      document.title = "Brew configurator (" + view + ") · Lumen Coffee";
    };
    document.addEventListener("click", function (ev) {
      var choice = ev.target.closest && ev.target.closest(".choice");
      if (choice) {
        var key = choice.parentNode.getAttribute("data-choice");
        var choices = read(CHOICES_KEY, {});
        choices[key] = choice.value;
        write(CHOICES_KEY, choices);
        ls().track("configurator_choice", { step: key, value: choice.value });
        render();
        return;
      }
      var link = ev.target.closest && ev.target.closest("a[data-app-link]");
      if (!link || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button) return;
      ev.preventDefault();
      // A real path change: the snippet tracks it as a page_view, as it would in any SPA router.
      history.pushState({}, "", link.getAttribute("href"));
      render();
      window.scrollTo(0, 0);
    });
    window.addEventListener("popstate", render);
    render();
  }
})();

// Small enhancements; every page works without them.
(function () {
  "use strict";

  // ステップ1: the 同意します box can be ticked once both documents were scrolled to the end.
  function initTerms(root) {
    var boxes = root.querySelectorAll("[data-terms]");
    var agree = root.querySelector("[data-terms-agree]");
    if (!agree || boxes.length === 0) return;
    var read = new Set();
    function check(box) {
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 4) read.add(box);
      agree.disabled = read.size < boxes.length;
    }
    boxes.forEach(function (box) {
      box.addEventListener("scroll", function () { check(box); }, { passive: true });
      check(box);
    });
  }

  // ステップ3: how much of the key's 50 minutes is left, kept current.
  function initCountdown(root) {
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-countdown"));
      var out = el.querySelector("[data-countdown-minutes]");
      if (!out || isNaN(end)) return;
      function tick() {
        var minutes = Math.max(0, Math.floor((end - Date.now()) / 60000));
        out.textContent = String(minutes);
        if (minutes > 0 && document.body.contains(el)) setTimeout(tick, 15000);
      }
      tick();
    });
  }

  // Password fields: a 表示／非表示 button beside each, added here, so without JavaScript
  // the field stays a plain password field and no dead button shows. Its text says what
  // pressing it does; it is described by the field's label and controls the field. Hidden
  // again before the form is sent and when the page comes back from the browser's cache.
  function fieldLabel(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    if (label && !label.id) label.id = input.id + "-label";
    return label;
  }

  function showPassword(input, button, shown) {
    input.type = shown ? "text" : "password";
    button.textContent = shown ? "非表示" : "表示";
    button.setAttribute("data-shown", shown ? "true" : "false");
  }

  function initPasswordToggles(root) {
    var inputs = [];
    if (root.matches && root.matches('input[type="password"]')) inputs.push(root);
    root.querySelectorAll('input[type="password"]').forEach(function (input) { inputs.push(input); });
    inputs.forEach(function (input) {
      if (!input.id || input.hidden || input.closest(".password-reveal")) return;
      var wrap = document.createElement("div");
      wrap.className = "password-reveal";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "password-reveal__button";
      button.setAttribute("aria-controls", input.id);
      var label = fieldLabel(input);
      if (label) button.setAttribute("aria-describedby", label.id);
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("aria-live", "polite");
      wrap.appendChild(button);
      wrap.appendChild(status);
      showPassword(input, button, false);
      button.addEventListener("click", function () {
        var shown = input.type === "password";
        showPassword(input, button, shown);
        // Said once by screen readers: the button's text changed under the finger.
        var name = label ? label.textContent.replace(/(必須|任意)\s*$/, "").trim() : "パスワード";
        status.textContent = name + (shown ? "を表示しています。" : "を隠しました。");
      });
      if (input.form) {
        input.form.addEventListener("submit", function () { showPassword(input, button, false); });
      }
    });
  }

  window.addEventListener("pageshow", function () {
    document.querySelectorAll(".password-reveal").forEach(function (wrap) {
      var input = wrap.querySelector("input");
      var button = wrap.querySelector(".password-reveal__button");
      if (input && button) showPassword(input, button, false);
    });
  });

  // The header's メニュー (a <details>): Escape closes it and gives focus back to its
  // toggle; a tap or focus outside closes it, as a menu does.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("[data-site-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  ["click", "focusin"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var menu = document.querySelector("[data-site-menu][open]");
      if (menu && !menu.contains(event.target)) menu.open = false;
    });
  });

  function init(root) {
    initTerms(root);
    initCountdown(root);
    initPasswordToggles(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) {
    if (event.detail.elt !== document.body) init(event.detail.elt);
  });

  // After a step swaps in, move focus to its heading (or its error summary), so screen
  // readers announce the new content and keyboard users start at the top of it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    if (!target || !target.querySelector) return;
    var focus = target.querySelector(".error-summary a") || target.querySelector(".page-title");
    if (focus) focus.focus();
  });

  // A message thread in a hidden tab does not poll: no traffic from phones in a pocket.
  // Showing the tab again fires visibilitychange, which the poll also listens to.
  document.addEventListener("htmx:confirm", function (event) {
    if (document.hidden && event.detail.elt.id === "message-poll") event.preventDefault();
  });
  // An error page (a database outage's 503, say) replaces <main> (base.html's
  // responseHandling): right after a tap, never for the background poll, which would take
  // away a message being typed. The poll tries again in ten seconds.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.isError && event.detail.requestConfig.elt.id === "message-poll") {
      event.detail.shouldSwap = false;
    }
  });

  // Back or Forward onto an address htmx pushed reloads that address (htmx keeps no copy
  // of pages: nothing personal in the browser's storage), but htmx listens only once the
  // page has loaded. A tap before then, on a slow line, changed the address and left the
  // page as it was; the page then loads the address it shows. Runs after htmx's start.
  document.addEventListener("DOMContentLoaded", function () {
    var loaded = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    var shown = window.location.href.split("#")[0];
    if (loaded && loaded.name.split("#")[0] !== shown && history.state && history.state.htmx) {
      window.location.reload();
    }
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }
})();

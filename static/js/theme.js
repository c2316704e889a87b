// Light or dark: the reader's choice (kept in localStorage), else the
// system's. Loaded in <head> without defer, so <html data-bs-theme> is right
// before the first paint (no flash of the wrong colours); a file, not an
// inline script, so the CSP needs nothing more.
(function () {
  "use strict";
  var KEY = "inkwell-theme";
  var root = document.documentElement;
  // Scripts run here: CSS keeps room for what deferred scripts will show
  // (the editor's tabs and toolbar), so the page does not shift when they do.
  root.classList.add("js");
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (error) {
      return null; // storage refused (private mode, blocked cookies)
    }
  }

  function current() {
    return stored() || (system && system.matches ? "dark" : "light");
  }

  function apply(theme) {
    root.setAttribute("data-bs-theme", theme);
    var toggle = document.getElementById("theme-toggle");
    if (toggle) {
      var dark = theme === "dark";
      toggle.setAttribute("aria-pressed", dark ? "true" : "false");
      toggle.setAttribute("title", toggle.getAttribute(dark ? "data-title-on" : "data-title-off"));
    }
  }

  apply(current());
  // Following the system while the reader has not chosen.
  if (system && system.addEventListener) {
    system.addEventListener("change", function () {
      if (!stored()) { apply(current()); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("theme-toggle");
    if (!toggle) { return; }
    toggle.hidden = false; // useless without this script, so shown only by it
    apply(current());
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      try { window.localStorage.setItem(KEY, next); } catch (error) { /* this page only */ }
      apply(next);
    });
  });
})();

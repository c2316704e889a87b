// The write and edit pages' editor. It keeps what the writer has typed and
// not yet sent in this browser (localStorage), restores it when they come
// back, warns before they leave with unsaved changes, and on a phone shows
// Write and Preview as two tabs. The saved copy is dropped once the server
// has accepted the form (site.js does it on the page the save lands on).
(function () {
  "use strict";
  var editor = document.getElementById("editor");
  var form = document.getElementById("post-form");
  if (!editor || !form) { return; }
  var key = editor.getAttribute("data-autosave-key");
  var SUBMITTED = "inkwell:editor:submitted";
  var names = ["title", "subtitle", "body", "tags", "custom_excerpt", "canonical_url"];
  var fields = names.map(function (name) { return form.elements[name]; })
    .filter(function (field) { return field; });
  var original = values();
  var dirty = false;
  var leaving = false;
  var timer = null;
  var filling = false;

  function values() {
    var result = {};
    fields.forEach(function (field) { result[field.name] = field.value; });
    return result;
  }

  function storage(kind) {
    // Private modes and full disks throw: the editor then only warns on leaving.
    try { return window[kind]; } catch (ignored) { return null; }
  }

  function saveNow() {
    var local = storage("localStorage");
    if (!local) { return; }
    try {
      local.setItem(key, JSON.stringify({savedAt: Date.now(), values: values()}));
    } catch (ignored) { /* quota: keep going without a copy */ }
  }

  function savedCopy() {
    var local = storage("localStorage");
    try {
      var copy = local && JSON.parse(local.getItem(key) || "null");
      return copy && copy.values ? copy.values : null;
    } catch (ignored) {
      return null;
    }
  }

  function fill(source) {
    fields.forEach(function (field) {
      if (typeof source[field.name] === "string") { field.value = source[field.name]; }
    });
    // The live preview and the stored-tags line follow the text.
    filling = true;
    fields.forEach(function (field) {
      field.dispatchEvent(new Event("input", {bubbles: true}));
    });
    filling = false;
  }

  function differs(copy) {
    return fields.some(function (field) {
      return typeof copy[field.name] === "string" && copy[field.name] !== field.value;
    });
  }

  // -- restore -----------------------------------------------------------
  var session = storage("sessionStorage");
  if (session && session.getItem(SUBMITTED) === key) {
    // Back on this form after sending it: the server refused it and shows
    // what was sent, so the copy stays until a save succeeds.
    session.removeItem(SUBMITTED);
  }
  var copy = savedCopy();
  var notice = document.getElementById("editor-restored");
  if (copy && differs(copy)) {
    fill(copy);
    dirty = true;
    if (notice) { notice.hidden = false; }
  }
  var discard = document.getElementById("editor-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      fill(original);
      var local = storage("localStorage");
      if (local) { local.removeItem(key); }
      dirty = false;
      notice.hidden = true;
      fields[0].focus();
    });
  }

  // -- keep and warn -------------------------------------------------------
  form.addEventListener("input", function (event) {
    // Typing, and uploads the uploader puts into the body; not a restore.
    if (names.indexOf(event.target.name) === -1 || filling) { return; }
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(saveNow, 400);
  });
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    saveNow();
    leaving = true;
    if (session) { session.setItem(SUBMITTED, key); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask for a value to show their own text
    }
  });

  // -- Write / Preview tabs (phones; CSS hides them on wide screens) ------------
  var tablist = editor.querySelector("[role=tablist]");
  var tabs = Array.prototype.slice.call(editor.querySelectorAll("[role=tab]"));
  function select(tab) {
    tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls"))
        .classList.toggle("editor-pane-inactive", !selected);
    });
  }
  if (tablist && tabs.length) {
    tablist.hidden = false;
    editor.classList.add("editor-tabbed");
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (event) {
        var step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
        if (!step) { return; }
        var next = tabs[(index + step + tabs.length) % tabs.length];
        select(next);
        next.focus();
      });
    });
    select(tabs[0]);
  }
})();

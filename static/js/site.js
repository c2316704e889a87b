// Behaviour every page shares. Loaded as a file so the CSP needs no inline script.
(function () {
  "use strict";
  // Forms that need a confirmation before a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Code blocks and tables in a post scroll sideways when they are wider than
  // the column (phones): keyboard users must be able to focus and scroll them.
  function makeScrollersFocusable() {
    document.querySelectorAll(".prose pre, .prose table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", makeScrollersFocusable);
  } else {
    makeScrollersFocusable();
  }

  // A field marked invalid by the server stops being red once it is changed:
  // the message was about the old value (the server checks again on submit).
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.classList && field.classList.contains("is-invalid")) {
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
      // Bootstrap-Flask writes the message beside the field as a d-block.
      var box = field.parentNode;
      box.querySelectorAll(".invalid-feedback").forEach(function (message) {
        message.classList.remove("d-block");
        message.classList.add("d-none");
      });
    }
  });

  // The editor (editor.js) keeps unsent text until a save succeeds: a save
  // lands on the saved post's page, so the copy of the text sent is dropped
  // there (and kept on an error page, so nothing typed is lost).
  try {
    var sent = window.sessionStorage.getItem("inkwell:editor:submitted");
    if (sent && document.querySelector("[data-saved-post]")) {
      window.localStorage.removeItem(sent);
      window.sessionStorage.removeItem("inkwell:editor:submitted");
    }
  } catch (ignored) { /* storage unavailable: nothing was kept */ }
})();

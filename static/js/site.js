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
})();

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
})();

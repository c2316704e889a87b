/* The admin's behaviour without inline script, so the CSP can forbid it:
   confirmations on data-confirm forms, bulk actions on data-action links,
   and no javascript: URLs followed. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a");
    if (!link) {
      return;
    }
    var action = link.getAttribute("data-action");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action);
      return;
    }
    if ((link.getAttribute("href") || "").indexOf("javascript:") === 0) {
      event.preventDefault();
    }
  }, true);

  // Flask-Admin's filter menu carries onclick="return false;", which the CSP
  // refuses; its own script handles those clicks, so drop the attribute.
  document.querySelectorAll("a.filter[onclick]").forEach(function (link) {
    link.removeAttribute("onclick");
  });
})();

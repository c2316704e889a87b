/* The admin's behaviour without inline script, so the CSP can forbid it:
   bulk actions on data-action links, and no javascript: URLs followed.
   Confirmations on data-confirm forms are site.js's, loaded here too. */
(function () {
  "use strict";

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
    // Links that only open a menu or add a filter (Flask-Admin's own script
    // handles them) must not navigate: "#" would jump, "javascript:" is
    // refused by the CSP.
    var href = link.getAttribute("href") || "";
    if (href === "#" || href.indexOf("javascript:") === 0) {
      event.preventDefault();
    }
  }, true);
})();

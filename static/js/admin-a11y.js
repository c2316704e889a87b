/* Flask-Admin labels its row checkboxes with a title only, which assistive
   technology may not announce (axe-core: label-title-only). Give each one an
   accessible name from its title. Loaded by templates/admin/base.html. */
(function () {
  "use strict";
  function label() {
    document.querySelectorAll("input[type=checkbox][title]:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", box.getAttribute("title"));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", label);
  } else {
    label();
  }
})();

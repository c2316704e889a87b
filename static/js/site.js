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

// Like buttons toggle without reloading the page: the form is posted with
// fetch and the JSON answer ({liked, likes}) updates the button and the
// count. Without scripts, or when the answer is not that JSON (a login or
// confirmation page, an error), the form is submitted as usual.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }

  function showLikes(form, state) {
    var button = form.querySelector("button");
    button.textContent = state.button || (state.liked ? "Unlike" : "Like");
    button.classList.toggle("btn-primary", state.liked);
    button.classList.toggle("btn-outline-primary", !state.liked);
    var post = form.closest("article") || document;
    post.querySelectorAll(".like-count").forEach(function (count) {
      count.textContent = state.likes_text || state.likes;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.classList || !form.classList.contains("like-form")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) { throw response; }
        return response.json();
      })
      .then(function (state) { showLikes(form, state); button.disabled = false; })
      .catch(function () { form.submit(); });
  });
})();

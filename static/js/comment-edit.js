// A comment's author edits it where it stands. The Edit link leads to the
// edit page (what happens without scripts); here that page is fetched, its
// form shown in place of the comment's text and posted with fetch, and the
// JSON answer ({body_html}) replaces the text. A refusal ({message}) is shown
// under the field, the words kept. Any other answer (a login page, a lost
// connection) falls back to the edit page itself, so nothing typed is lost.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser) { return; }

  function jsonOf(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) { throw response; }
    return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
  }

  function showRefusal(form, message) {
    var field = form.querySelector("textarea");
    var note = form.querySelector(".comment-edit-error");
    if (!note) {
      note = document.createElement("div");
      note.className = "invalid-feedback d-block comment-edit-error";
      note.id = field.id + "-refusal";
      field.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    field.classList.add("is-invalid");
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", note.id);
    field.focus();
  }

  // The post page has a comment form of its own: the fetched form's ids
  // (and the labels naming them) get a prefix, so none is on the page twice.
  function renameIds(form) {
    form.querySelectorAll("[id]").forEach(function (element) {
      var label = form.querySelector("label[for='" + element.id + "']");
      element.id = "edit-" + element.id;
      if (label) { label.htmlFor = element.id; }
    });
  }

  function openEditor(link, body, form) {
    renameIds(form);
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-link";
    cancel.textContent = "Cancel";
    form.appendChild(cancel);
    body.hidden = true;
    link.hidden = true;
    body.insertAdjacentElement("afterend", form);

    function close() {
      form.remove();
      body.hidden = false;
      link.hidden = false;
      link.focus();
    }
    cancel.addEventListener("click", close);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var save = form.querySelector("[type=submit]");
      save.disabled = true;
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"Accept": "application/json"}})
        .then(jsonOf)
        .then(function (result) {
          save.disabled = false;
          if (!result.ok) { showRefusal(form, result.answer.message); return; }
          body.innerHTML = result.answer.body_html;  // sanitised by the server, as on the page
          close();
        })
        .catch(function () { form.submit(); });
    });
    form.querySelector("textarea").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.comment-edit-link");
    if (!link || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var body = link.closest(".comment").querySelector(".comment-body");
    if (!body) { return; }
    event.preventDefault();
    fetch(link.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw response; }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var form = page.querySelector(".comment-edit form");
        if (!form) { throw new Error("no edit form"); }
        openEditor(link, body, document.importNode(form, true));
      })
      .catch(function () { window.location.assign(link.href); });
  });
})();

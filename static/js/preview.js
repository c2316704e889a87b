// Live preview of a post's Markdown on the write and edit pages. The server
// renders and sanitises (POST /preview, the same code that renders a saved
// post), so the HTML put into the page is never the raw draft.
(function () {
  "use strict";
  var pane = document.getElementById("post-preview");
  if (!pane) { return; }
  var source = document.getElementById(pane.getAttribute("data-source"));
  var form = source && source.form;
  if (!source || !form) { return; }
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var status = document.getElementById(pane.getAttribute("data-status"));
  var timer = null;
  var latest = 0;

  function render() {
    var request = ++latest;
    var data = new FormData();
    data.append("body", source.value);
    var headers = {"Accept": "application/json"};
    if (tokenInput) { headers["X-CSRFToken"] = tokenInput.value; }
    fetch(pane.getAttribute("data-preview-url"), {
      method: "POST", body: data, headers: headers, credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return {ok: response.ok, json: json};
      });
    }).then(function (answer) {
      // Only the answer to the newest keystroke is shown.
      if (request !== latest) { return; }
      if (answer.ok) {
        pane.innerHTML = answer.json.html;
        setStatus("");
      } else {
        // A refusal says why (e.g. a draft that would render too large).
        pane.textContent = answer.json.message || "The preview is not available right now.";
        setStatus(pane.textContent);
      }
    }).catch(function () {
      if (request === latest) {
        pane.textContent = "The preview is not available right now.";
        setStatus(pane.textContent);
      }
    });
  }

  function setStatus(text) {
    if (status && status.textContent !== text) { status.textContent = text; }
  }

  source.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(render, 300);
  });
})();

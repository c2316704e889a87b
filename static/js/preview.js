// Live preview of a post's Markdown on the write and edit pages. The server
// renders and sanitises (POST /preview, the same code that renders a saved
// post), so the HTML put into the page is never the raw draft. It also
// answers the tags as they will be stored, shown under the tags field.
(function () {
  "use strict";
  var pane = document.getElementById("post-preview");
  if (!pane) { return; }
  var source = document.getElementById(pane.getAttribute("data-source"));
  var form = source && source.form;
  if (!source || !form) { return; }
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var status = document.getElementById(pane.getAttribute("data-status"));
  var tagsField = document.getElementById(pane.getAttribute("data-tags"));
  var tagsList = document.getElementById(pane.getAttribute("data-tags-list"));
  var timer = null;
  var latest = 0;

  function render() {
    var request = ++latest;
    var data = new FormData();
    data.append("body", source.value);
    if (tagsField) { data.append("tags", tagsField.value); }
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
        showTags(answer.json.tags || []);
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

  function showTags(tags) {
    if (!tagsList) { return; }
    tagsList.textContent = "";
    tags.forEach(function (tag) {
      var badge = document.createElement("span");
      badge.className = "badge rounded-pill tag-badge";
      badge.textContent = "#" + tag;
      tagsList.appendChild(badge);
      tagsList.appendChild(document.createTextNode(" "));
    });
    tagsList.parentNode.hidden = tags.length === 0;
  }

  function setStatus(text) {
    if (status && status.textContent !== text) { status.textContent = text; }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(render, 300);
  }
  source.addEventListener("input", later);
  if (tagsField) { tagsField.addEventListener("input", later); }
})();

// Drag-and-drop (or pick) uploads for the write and edit pages.
// Each file is sent on its own to POST /upload with the CSRF token; when the
// server answers, the Markdown for the file goes into the body at the cursor.
(function () {
  "use strict";
  var zone = document.getElementById("uploader");
  if (!zone) {
    return;
  }
  var input = document.getElementById("uploader-input");
  var list = document.getElementById("uploader-list");
  var target = document.getElementById(zone.getAttribute("data-target"));
  var uploadUrl = zone.getAttribute("data-upload-url");
  var csrfToken = zone.getAttribute("data-csrf-token");
  var maxBytes = parseInt(zone.getAttribute("data-max-bytes"), 10) || 0;

  function insertMarkdown(text) {
    if (!target) {
      return;
    }
    var start = target.selectionStart || target.value.length;
    var end = target.selectionEnd || start;
    var before = target.value.slice(0, start);
    var after = target.value.slice(end);
    // Images and links read best as their own paragraph.
    var prefix = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var suffix = after && !/^\n/.test(after) ? "\n\n" : "\n";
    target.value = before + prefix + text + suffix + after;
    var caret = (before + prefix + text + suffix).length;
    target.setSelectionRange(caret, caret);
    // Let the live preview know the body changed.
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function listItem(file) {
    var item = document.createElement("li");
    // Wraps rather than cutting the name: a refused file is named in full.
    item.className = "uploader-item d-flex flex-wrap align-items-center gap-2 small mt-2";
    var name = document.createElement("span");
    name.className = "uploader-name";
    name.textContent = file.name;
    var progress = document.createElement("progress");
    progress.className = "uploader-progress";
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", "Uploading " + file.name);
    var status = document.createElement("span");
    status.className = "uploader-status text-body-secondary";
    status.textContent = "uploading…";
    item.appendChild(name);
    item.appendChild(progress);
    item.appendChild(status);
    list.appendChild(item);
    return { item: item, progress: progress, status: status };
  }

  function fail(view, message) {
    view.progress.remove();
    view.status.className = "uploader-status text-danger";
    view.status.textContent = message;
  }

  function upload(file) {
    var view = listItem(file);
    if (maxBytes && file.size > maxBytes) {
      fail(view, "too large: the limit is " + (maxBytes / 1048576).toFixed(1) + " MB");
      return;
    }
    var data = new FormData();
    data.append("file", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        view.progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (ignored) {
        answer = null;
      }
      if (xhr.status === 201 && answer) {
        view.progress.value = 100;
        view.status.className = "uploader-status text-success";
        view.status.textContent = "added";
        insertMarkdown(answer.markdown || "[" + answer.filename + "](" + answer.url + ")");
      } else {
        fail(view, (answer && answer.message) || "upload failed (" + xhr.status + ")");
      }
    });
    xhr.addEventListener("error", function () {
      fail(view, "the upload was interrupted; check your connection and try again");
    });
    xhr.send(data);
  }

  function uploadAll(files) {
    for (var i = 0; i < files.length; i += 1) {
      upload(files[i]);
    }
  }

  input.addEventListener("change", function () {
    uploadAll(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("uploader-active");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("uploader-active");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      uploadAll(event.dataTransfer.files);
    }
  });
})();

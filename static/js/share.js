// The post page's Share button: the system share sheet (Web Share API)
// where the browser has one, else the link copied to the clipboard. The
// button is rendered hidden and shown here, so a reader without scripts
// never sees a button that does nothing. No third-party script.
(function () {
  "use strict";
  var button = document.querySelector("[data-share-url]");
  if (!button) {
    return;
  }
  var status = document.getElementById("share-status");
  var canShare = typeof navigator.share === "function";
  var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
  if (!canShare && !canCopy) {
    return;
  }
  if (!canShare) {
    button.textContent = button.getAttribute("data-copy-label");
  }
  button.hidden = false;

  function say(text) {
    status.textContent = text;
  }

  button.addEventListener("click", function () {
    var url = button.getAttribute("data-share-url");
    say("");
    if (canShare) {
      navigator.share({ title: button.getAttribute("data-share-title"), url: url })
        .catch(function (error) {
          // The reader closing the share sheet is no failure.
          if (error && error.name !== "AbortError") {
            say(button.getAttribute("data-share-failed") + " " + url);
          }
        });
      return;
    }
    navigator.clipboard.writeText(url).then(function () {
      say(button.getAttribute("data-copied"));
    }, function () {
      say(button.getAttribute("data-copy-failed") + " " + url);
    });
  });
})();

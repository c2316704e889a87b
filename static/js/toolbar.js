// The editor's Markdown toolbar: bold, italic, link, heading, quote, code
// and image, as buttons (an ARIA toolbar: one tab stop, arrow keys move
// between buttons) and as shortcuts in the body (Ctrl or Cmd with B, I, K,
// E; Ctrl/Cmd+Shift+. quotes). Each edit goes through the browser's own
// insertText, so Ctrl+Z undoes it, and the live preview hears an input event.
(function () {
  "use strict";
  var bar = document.getElementById("markdown-toolbar");
  var body = bar && document.getElementById(bar.getAttribute("aria-controls"));
  if (!bar || !body) { return; }

  function replaceSelection(text, selectFrom, selectTo) {
    var start = body.selectionStart;
    body.focus();
    var inserted = false;
    try { inserted = document.execCommand("insertText", false, text); } catch (ignored) { /* below */ }
    if (!inserted) {
      body.setRangeText(text, start, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", {bubbles: true}));
    }
    body.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function selected() {
    return body.value.slice(body.selectionStart, body.selectionEnd);
  }

  // **text**: the text (or a placeholder) stays selected, ready to type over.
  function wrap(mark, placeholder) {
    var text = selected() || placeholder;
    replaceSelection(mark + text + mark, mark.length, mark.length + text.length);
  }

  // Whole lines: the selection grows to the lines it touches, each prefixed.
  function prefixLines(prefix, placeholder) {
    var value = body.value;
    var start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = value.indexOf("\n", body.selectionEnd);
    if (end < 0) { end = value.length; }
    body.setSelectionRange(start, end);
    var lines = (value.slice(start, end) || placeholder).split("\n");
    var text = lines.map(function (line) { return prefix + line; }).join("\n");
    replaceSelection(text, prefix.length, text.length);
  }

  // [text](address): with text selected, the address is left to type; with
  // an address selected (or nothing), the text.
  function link(image) {
    var text = selected();
    var pastedAddress = /^https?:\/\/\S+$/.test(text);
    var label = pastedAddress || !text ? (image ? "description" : "link text") : text;
    var address = pastedAddress ? text : "https://";
    var open = image ? "![" : "[";
    var markdown = open + label + "](" + address + ")";
    if (pastedAddress || !text) {
      replaceSelection(markdown, open.length, open.length + label.length);
    } else {
      replaceSelection(markdown, markdown.length - 1 - address.length, markdown.length - 1);
    }
  }

  function code() {
    var text = selected();
    if (text.indexOf("\n") >= 0) {
      var block = "```\n" + text.replace(/\n$/, "") + "\n```\n";
      replaceSelection(block, 4, block.length - 5);
    } else {
      wrap("`", "code");
    }
  }

  var actions = {
    bold: function () { wrap("**", "bold text"); },
    italic: function () { wrap("_", "italic text"); },
    link: function () { link(false); },
    heading: function () { prefixLines("## ", "Heading"); },
    quote: function () { prefixLines("> ", "Quote"); },
    code: code,
    image: function () { link(true); }
  };

  var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-action]"));

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (button && actions[button.getAttribute("data-action")]) {
      actions[button.getAttribute("data-action")]();
    }
  });
  // Buttons keep the body's selection: a press does not move the focus away first.
  bar.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) { event.preventDefault(); }
  });

  // One tab stop; arrows, Home and End move along the toolbar.
  function focusButton(index) {
    buttons.forEach(function (button, i) { button.tabIndex = i === index ? 0 : -1; });
    buttons[index].focus();
  }
  bar.addEventListener("keydown", function (event) {
    var index = buttons.indexOf(document.activeElement);
    if (index < 0) { return; }
    var moves = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1};
    if (event.key in moves) {
      event.preventDefault();
      focusButton((moves[event.key] + buttons.length) % buttons.length);
    }
  });

  var shortcuts = {b: "bold", i: "italic", k: "link", e: "code"};
  body.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
    var key = event.key.toLowerCase();
    var action = event.shiftKey ? (key === "." || key === ">" ? "quote" : null) : shortcuts[key];
    if (action) {
      event.preventDefault();
      actions[action]();
    }
  });

  // Between the body's label and the textarea, where a writer looks for it.
  body.parentNode.insertBefore(bar, body);
  bar.hidden = false;
})();

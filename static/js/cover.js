// The cover picker of the write and edit pages: one radio button a stored
// image the body shows, kept in step with the live preview (the preview's
// images are the body's, rendered by the server). The choice survives a
// rebuild while its image is still in the body; otherwise "the first image".
(function () {
  "use strict";
  var picker = document.getElementById("cover-picker");
  var preview = document.getElementById("post-preview");
  if (!picker || !preview) {
    return;
  }
  var choices = document.getElementById("cover-choices");
  var STORED = /\/files\/([0-9a-f]{24})/i;

  function shownImages() {
    var found = [];
    preview.querySelectorAll("img").forEach(function (img) {
      var match = STORED.exec(img.getAttribute("src") || "");
      if (match && found.every(function (item) { return item.id !== match[1]; })) {
        var thumb = new URL(img.getAttribute("src"), document.baseURI);
        thumb.searchParams.set("size", "thumb");
        found.push({ id: match[1].toLowerCase(), src: thumb.pathname + thumb.search });
      }
    });
    return found;
  }

  function choice(value, content) {
    var label = document.createElement("label");
    label.className = "cover-choice";
    var radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "cover";
    radio.value = value;
    label.appendChild(radio);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(content);
    return label;
  }

  function rebuild() {
    var images = shownImages();
    var checked = choices.querySelector("input:checked");
    var current = checked ? checked.value : "";
    var ids = images.map(function (item) { return item.id; });
    var shown = Array.prototype.map.call(choices.querySelectorAll("input[value]:not([value=''])"),
                                         function (input) { return input.value; });
    if (ids.join() === shown.join()) {
      return;  // the same images: leave the choice (and the focus) alone
    }
    var first = document.createElement("span");
    first.textContent = "The first image";
    var items = [choice("", first)];
    images.forEach(function (item, index) {
      var img = document.createElement("img");
      img.src = item.src;
      img.alt = "Image " + (index + 1);
      img.width = 64;
      img.height = 64;
      items.push(choice(item.id, img));
    });
    choices.replaceChildren.apply(choices, items);
    var keep = ids.indexOf(current) >= 0 ? current : "";
    choices.querySelector("input[value='" + keep + "']").checked = true;
    picker.hidden = images.length === 0;
  }

  new MutationObserver(rebuild).observe(preview, { childList: true, subtree: true });
})();

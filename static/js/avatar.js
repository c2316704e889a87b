// The profile form's avatar field: a file over the limit is refused here,
// before anything is sent (the server refuses it too, on the same form), and
// a chosen image is previewed before the profile is saved. Nothing typed in
// the other fields is touched.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][name=avatar][data-max-bytes]");
  if (!input) {
    return;
  }
  var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;

  var message = document.createElement("div");
  message.id = "avatar-size-error";
  message.className = "invalid-feedback d-block";
  message.setAttribute("aria-live", "polite");
  var preview = document.createElement("figure");
  preview.className = "avatar-preview mt-2 mb-0";
  preview.hidden = true;
  var image = document.createElement("img");
  image.className = "rounded-circle avatar";
  image.width = 96;
  image.height = 96;
  image.alt = "Preview of your new avatar";
  var caption = document.createElement("figcaption");
  caption.className = "small text-body-secondary";
  caption.textContent = "Preview: saved when you save your profile.";
  preview.appendChild(image);
  preview.appendChild(caption);
  input.insertAdjacentElement("afterend", preview);
  input.insertAdjacentElement("afterend", message);

  function refuse(file) {
    var limit = (maxBytes / 1048576).toFixed(1);
    message.textContent = "The avatar is too large: the limit is " + limit + " MB. " +
      "“" + file.name + "” is " + (file.size / 1048576).toFixed(1) + " MB; choose a smaller image.";
    input.classList.add("is-invalid");
    input.setAttribute("aria-describedby", message.id);
    input.value = "";  // the form can be saved without it, nothing else lost
  }

  function show(file) {
    var reader = new FileReader();
    // A data: URL: the CSP allows images from 'self' and data: only.
    reader.addEventListener("load", function () {
      image.src = reader.result;
      preview.hidden = false;
    });
    reader.readAsDataURL(file);
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    message.textContent = "";
    input.classList.remove("is-invalid");
    preview.hidden = true;
    if (!file) {
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      refuse(file);
    } else if (/^image\//.test(file.type)) {
      show(file);
    }
  });
})();

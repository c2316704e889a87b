// The write and edit pages' "Publish at": the writer picks a time on their
// own clock (a datetime-local field, which carries no zone), so the
// browser's IANA zone goes along in the hidden `timezone` field and the
// server stores the right UTC instant, daylight saving included
// (site_app/models/schedule.py). Without this script the field is empty
// and the time is read as UTC, as the page then says.
(function () {
  "use strict";
  var input = document.getElementById("publish_at");
  var zoneField = document.getElementById("timezone");
  var note = document.getElementById("publish-at-zone");
  if (!input || !zoneField) {
    return;
  }
  // The words come translated from the page (data-* on the note).
  var words = note ? note.dataset : {};
  // With a time the main button schedules rather than publishes: say so.
  var button = document.getElementById("submit");
  var publishWord = button ? button.value : "";
  function nameTheButton() {
    if (button) {
      button.value = input.value ? (words.schedule || "Schedule") : publishWord;
    }
  }
  input.addEventListener("input", nameTheButton);
  input.addEventListener("change", nameTheButton);
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  zoneField.value = zone;
  if (note && words.inZone) {
    note.textContent = words.inZone.replace("{zone}", zone);
  }
  // A stored schedule arrives in UTC (data-utc): shown on the writer's clock.
  var stored = input.dataset.utc ? new Date(input.dataset.utc) : null;
  if (stored && !isNaN(stored)) {
    var local = new Date(stored.getTime() - stored.getTimezoneOffset() * 60000);
    input.value = local.toISOString().slice(0, 16);
  }
  nameTheButton();
}());

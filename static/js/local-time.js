// The <time class="local-time"> elements site_app/timestamps.py writes, read
// in the reader's own time zone. The server's text is already right for a
// reader in UTC without JavaScript; this keeps it true for everyone else:
// dates in the reader's zone, relative times counted from the reader's clock
// (a cached page may be an hour old), with the server's buckets and words.
(function () {
  "use strict";
  var MINUTE = 60, HOUR = 3600, DAY = 86400;
  // [under this many seconds, the unit, its length (0: say "1")]: the same
  // table as timestamps.RELATIVE (moment.js's thresholds).
  var BUCKETS = [[90, "minute", 0], [45 * MINUTE, "minute", MINUTE],
                 [90 * MINUTE, "hour", 0], [22 * HOUR, "hour", HOUR],
                 [36 * HOUR, "day", 0], [26 * DAY, "day", DAY],
                 [45 * DAY, "month", 0], [320 * DAY, "month", 30 * DAY],
                 [548 * DAY, "year", 0], [Infinity, "year", 365.25 * DAY]];
  var lang = document.documentElement.lang || "en";
  var words = new Intl.RelativeTimeFormat(lang, {numeric: "always"});
  var nowWord = new Intl.RelativeTimeFormat(lang, {numeric: "auto"}).format(0, "second");
  var styles = {LL: new Intl.DateTimeFormat(lang, {dateStyle: "long"}),
                LLL: new Intl.DateTimeFormat(lang, {dateStyle: "long", timeStyle: "short"})};
  var full = new Intl.DateTimeFormat(lang, {dateStyle: "full", timeStyle: "short"});

  function relative(seconds) {  // seconds ago; negative: to come
    var span = Math.abs(seconds);
    if (span < 45) return nowWord;
    var i = 0;
    while (span >= BUCKETS[i][0]) i++;
    var count = BUCKETS[i][2] ? Math.round(span / BUCKETS[i][2]) : 1;
    return words.format(seconds < 0 ? count : -count, BUCKETS[i][1]);
  }

  function render(time) {
    var instant = new Date(time.getAttribute("datetime"));
    if (isNaN(instant)) return;
    var style = styles[time.dataset.format];
    if (time.dataset.function === "fromNow") {
      time.textContent = relative((Date.now() - instant) / 1000);
    } else if (style) {
      time.textContent = style.format(instant);
    }
    time.title = full.format(instant);
  }

  function renderAll() {
    document.querySelectorAll("time.local-time").forEach(render);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
  // An open page's "5 minutes ago" stays true.
  setInterval(renderAll, 60 * 1000);
})();

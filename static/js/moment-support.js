// After Flask-Moment 1.0.6's support code (MIT), served as a file so the CSP
// needs no inline script. Renders the <time class="local-time"> elements that
// site_app/timestamps.py writes (no inline style: the CSP forbids it), turning
// their UTC fallback text into the reader's local time.
moment.locale("en");
function render_local_time(elem) {
    const timestamp = moment(elem.dataset.timestamp);
    const func = elem.dataset.function;
    const format = elem.dataset.format;
    const timestamp2 = elem.dataset.timestamp2;
    const no_suffix = elem.dataset.nosuffix;
    const units = elem.dataset.units;
    let args = [];
    if (format)
        args.push(format);
    if (timestamp2)
        args.push(moment(timestamp2));
    if (no_suffix)
        args.push(no_suffix);
    if (units)
        args.push(units);
    elem.textContent = timestamp[func].apply(timestamp, args);
    elem.classList.remove('local-time');
    elem.title = timestamp.format('LLLL');
}
function render_local_times() {
    const moments = document.querySelectorAll('.local-time');
    moments.forEach(function(moment) {
        render_local_time(moment);
        const refresh = moment.dataset.refresh;
        if (refresh && refresh > 0) {
            (function(elem, interval) {
                setInterval(function() {
                    render_local_time(elem);
                }, interval);
            })(moment, refresh);
        }
    })
}
document.addEventListener("DOMContentLoaded", render_local_times);
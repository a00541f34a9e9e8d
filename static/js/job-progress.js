// Moves the progress bars of running jobs (waw/job_progress.html) without reloading the page:
// every second it asks /taken/<id>/voortgang/ and updates the <progress> element; once a job
// has ended the page reloads once, to show its outcome. Without JavaScript the page refreshes
// itself (<noscript><meta http-equiv="refresh">).
(function () {
  "use strict";
  var INTERVAL = 1000;

  function update(element) {
    var url = element.getAttribute("data-job-progress");
    var bar = element.querySelector("progress");
    var status = element.querySelector("[data-job-status]");
    var count = element.querySelector("[data-job-count]");

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (data.total) {
            bar.max = data.total;
            bar.value = data.done;
            bar.textContent = data.percent + "%";
            count.textContent = data.done + " van " + data.total;
          }
          status.textContent = data.status_label;
          status.className = "job-progress__status status--" + data.status;
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () { window.setTimeout(poll, INTERVAL * 5); });
    }

    var active = status.className.indexOf("status--queued") >= 0 ||
      status.className.indexOf("status--running") >= 0;
    if (active) { window.setTimeout(poll, INTERVAL); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-progress]").forEach(update);
  });
})();

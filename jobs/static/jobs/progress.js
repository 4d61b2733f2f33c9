// The progress page of a background job (jobs/detail.html): polls its status URL (data-status-url) and
// moves the <progress> bar; when the job has finished the page reloads to show the download or the error.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) return;
  var url = box.getAttribute("data-job-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var delay = 1000;
  function tick() {
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "passive=1", {
      credentials: "same-origin", headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("signed out"); }  // to the login page
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (data) {
      if (data.finished) { window.location.reload(); return; }
      if (bar) { bar.value = data.percent; }
      if (text) { text.textContent = data.state_label + " " + data.percent + "%(" + data.done + " / " + data.total + ")"; }
      delay = Math.min(delay * 1.3, 5000);
      window.setTimeout(tick, delay);
    }).catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, delay);
})();

// Idle-session warning (issue 17, defect 11). Settings come from the data attributes of this script tag.
// One minute before the server would sign the user out, a notice offers 继续 (a POST to the keep-alive
// endpoint); it never navigates away. At expiry the text typed into the page's forms is kept in
// sessionStorage and put back when the user, signed in again, returns to the same page.
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script.dataset;
  var idleMs = parseFloat(cfg.idleSeconds) * 1000;
  var warnMs = Math.min(parseFloat(cfg.warningSeconds) * 1000, idleMs);
  var draftKey = "xs-draft:" + window.location.pathname + window.location.search;
  var warnTimer = null;
  var expireTimer = null;
  var notice = null;

  function textFields() {
    return Array.prototype.filter.call(
      document.querySelectorAll("main form textarea, main form input"),
      function (el) {
        var type = (el.getAttribute("type") || "text").toLowerCase();
        return el.name && el.name !== "csrfmiddlewaretoken" &&
          ["text", "search", "email", "tel", "url", "number", "date"].indexOf(type) !== -1 || el.tagName === "TEXTAREA";
      });
  }

  function saveDraft() {
    var draft = {};
    textFields().forEach(function (el) { if (el.value) { draft[el.name] = el.value; } });
    if (Object.keys(draft).length) { sessionStorage.setItem(draftKey, JSON.stringify(draft)); }
  }

  function restoreDraft() {
    var raw = sessionStorage.getItem(draftKey);
    if (!raw) { return; }
    sessionStorage.removeItem(draftKey);
    var draft = JSON.parse(raw);
    textFields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(draft, el.name) && !el.value) { el.value = draft[el.name]; }
    });
  }

  function expire() {
    saveDraft();
    var next = window.location.pathname + window.location.search;
    window.location.assign(cfg.loginUrl + "?next=" + encodeURIComponent(next));
  }

  function hideNotice() {
    if (notice) { notice.remove(); notice = null; }
  }

  function showNotice() {
    if (notice) { return; }
    notice = document.createElement("div");
    notice.className = "alert alert-warning shadow position-fixed bottom-0 end-0 m-3 z-3 d-flex align-items-center gap-2";
    notice.setAttribute("role", "alertdialog");
    notice.id = "session-idle-warning";
    var text = document.createElement("span");
    text.textContent = cfg.warningText;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-primary";
    button.textContent = cfg.continueText;
    button.addEventListener("click", keepAlive);
    notice.appendChild(text);
    notice.appendChild(button);
    document.body.appendChild(notice);
    button.focus();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    hideNotice();
    warnTimer = setTimeout(showNotice, idleMs - warnMs);
    // A second after the server's limit, so that the login page finds the session already ended.
    expireTimer = setTimeout(expire, idleMs + 1000);
  }

  function keepAlive() {
    fetch(cfg.keepaliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": cfg.csrf, "X-Requested-With": "fetch"},
    }).then(function (response) {
      if (response.ok) { schedule(); } else { expire(); }
    }, function () { /* offline: leave the notice; expiry still keeps the draft */ });
  }

  restoreDraft();
  schedule();
  // htmx requests reach the server, so they count as activity too.
  document.body.addEventListener("htmx:afterRequest", schedule);
})();

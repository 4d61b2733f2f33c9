/* One submission per form: once the item form is sent, its buttons are disabled so a double click or
   a second tap cannot send it again (the server refuses a reused form token anyway). The pressed
   button's name (提交 or 保存草稿) goes along as a hidden field, since a disabled button is not sent. */
(function () {
  var form = document.querySelector("[data-testid=item-form]");
  if (!form) return;
  form.addEventListener("submit", function (e) {
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
    var pressed = e.submitter;
    if (pressed && pressed.name) {
      var keep = document.createElement("input");
      keep.type = "hidden"; keep.name = pressed.name; keep.value = pressed.value;
      form.appendChild(keep);
    }
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-disabled", "true");
    });
  });
  // Back to this page from the browser's cache: usable again (the server still refuses a reused token).
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-disabled");
    });
  });
})();

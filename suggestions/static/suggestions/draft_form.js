/* The suggestion form: the 小类 select shows only the children of the chosen 类别 (without JavaScript
   every child is listed, grouped by its parent); the form's buttons are disabled once it is sent (the
   server refuses a reused form token anyway), keeping the pressed button's name as a hidden field. */
(function () {
  var form = document.querySelector("[data-testid=draft-form]");
  if (!form) return;
  var parent = form.querySelector("[data-testid=category-parent]");
  var child = form.querySelector("[data-testid=category-child]");
  function narrow() {
    if (!parent || !child) return;
    var chosen = parent.value;
    child.querySelectorAll("optgroup").forEach(function (group) {
      var show = !chosen || group.getAttribute("data-parent") === chosen;
      group.hidden = !show;
      group.disabled = !show;
    });
    var selected = child.options[child.selectedIndex];
    if (selected && selected.parentNode.disabled) child.value = "";
  }
  if (parent) parent.addEventListener("change", narrow);
  narrow();
  form.addEventListener("submit", function (e) {
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
    var pressed = e.submitter;
    if (pressed && pressed.name) {
      var keep = document.createElement("input");
      keep.type = "hidden"; keep.name = pressed.name; keep.value = pressed.value;
      form.appendChild(keep);
    }
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
})();

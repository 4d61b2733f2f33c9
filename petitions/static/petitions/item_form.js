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

/* The item form's co-signer picker (联名代表): htmx fills #co-choices as the person types; choosing one
   adds a checked box to #co-chosen (unticking removes it). Without JavaScript the typed names are
   resolved by the server when the form is sent. */
(function () {
  var input = document.querySelector("[data-testid=co-deputy-input]");
  var list = document.getElementById("co-choices");
  var chosen = document.getElementById("co-chosen");
  if (!input || !list || !chosen) return;

  // The no-JavaScript 查找 button is not needed here, and would otherwise be the form's default button.
  var find = document.querySelector("[data-testid=co-deputy-find]");
  if (find) find.remove();

  function close() { list.innerHTML = ""; }

  function choose(button) {
    var id = button.getAttribute("data-deputy");
    if (!chosen.querySelector('input[value="' + id + '"]')) {
      var label = document.createElement("label");
      label.className = "co-chip form-check-label border rounded px-2 py-1";
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "co_deputies"; box.value = id; box.checked = true;
      box.className = "form-check-input me-1";
      box.setAttribute("data-testid", "co-chosen-deputy");
      label.appendChild(box);
      label.appendChild(document.createTextNode(button.getAttribute("data-label")));
      chosen.appendChild(label);
    }
    input.value = "";
    input.classList.remove("is-invalid");
    close();
    input.focus();
  }

  list.addEventListener("click", function (e) {
    var button = e.target.closest("[data-deputy]");
    if (button) choose(button);
  });
  // An unticked chip goes away (it would not be sent anyway).
  chosen.addEventListener("change", function (e) {
    if (e.target.name === "co_deputies" && !e.target.checked) e.target.closest("label").remove();
  });
  // Enter in the search box chooses the only match instead of sending the whole form.
  input.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    var options = list.querySelectorAll("[data-deputy]");
    if (options.length === 1) choose(options[0]);
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
  document.addEventListener("click", function (e) { if (!e.target.closest(".co-picker")) close(); });
})();

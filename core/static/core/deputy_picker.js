/* The deputy picker shared by the item form (联名代表) and the suggestion form (附议代表, 领衔代表): htmx fills #co-choices as the person types; choosing one
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

/* Behaviour that templates declare with data-* attributes, so that no page needs an inline handler
   (the Content-Security-Policy allows scripts only from our static files). Delegated from document,
   so content swapped in by htmx works too.
     data-confirm="text"   on a form (asked on submit) or a button/link (asked on click)
     data-print            a button that prints the page
     data-autosubmit       a select/input that submits its form when changed
     data-check-all="name" a checkbox that ticks or clears every checkbox named "name" in its form */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-confirm]:not(form), [data-print]");
    if (!el) return;
    if (el.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
    } else if (!window.confirm(el.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches) return;
    if (el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
    if (el.matches("[data-check-all]")) {
      var scope = el.form || document;
      scope.querySelectorAll('input[type=checkbox][name="' + el.dataset.checkAll + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });
})();

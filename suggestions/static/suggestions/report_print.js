// The session report's A4 print page: the print button (no inline handlers under the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-page]")) window.print();
});

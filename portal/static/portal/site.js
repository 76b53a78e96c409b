// Small page behaviours without inline handlers (the Content-Security-Policy allows
// no inline script): a <select data-autosubmit> submits its form on change; a
// button[data-print] prints the page.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});

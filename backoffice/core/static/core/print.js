// "In sổ": print the register page (inline handlers are blocked by the CSP).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-register");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});

// Records pages: print the catalogue, confirm before closing a file (inline
// handlers are blocked by the CSP).
document.addEventListener("DOMContentLoaded", function () {
  var print = document.getElementById("print-catalogue");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  var close = document.getElementById("close-form");
  if (close) {
    close.addEventListener("submit", function (event) {
      if (!window.confirm(close.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }
});

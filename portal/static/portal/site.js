// Small page behaviours without inline handlers (the Content-Security-Policy allows
// no inline script): a <select data-autosubmit> submits its form on change; a
// button[data-print] prints the page; the header menu folds on a phone; an error
// summary takes the focus, and its links move the focus to the field they name.
// Loaded in <head> without defer: it marks <html class="js"> before the first paint
// (the menu stays open without JavaScript) and only listens on `document`.
document.documentElement.classList.add("js");

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
});

document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target : event.target.parentElement;
  if (!target || !target.closest) return;
  if (target.closest("[data-print]")) {
    window.print();
    return;
  }
  var toggle = target.closest("[data-menu-toggle]");
  if (toggle) {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.documentElement.classList.toggle("menu-open", open);
    return;
  }
  var link = target.closest(".error-summary a[href^='#']");
  if (link) {
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  }
});

document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
});

// The wizard's upload check, before sending: each chosen file's name, size and
// whether its format is one the component accepts, read out by screen readers
// (the status paragraph is aria-live). The server checks every file again.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file]") || !input.id) return;
  var status = document.querySelector('[data-upload-status-for="' + input.id + '"]');
  if (!status) return;
  var accept = (input.getAttribute("accept") || "").toLowerCase().split(",").filter(Boolean);
  var messages = status.dataset;
  var lines = Array.prototype.map.call(input.files, function (file) {
    var dot = file.name.lastIndexOf(".");
    var ext = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    var ok = !accept.length || accept.indexOf(ext) >= 0;
    var size = file.size >= 1048576 ? (file.size / 1048576).toFixed(1) + " MB" : Math.ceil(file.size / 1024) + " KB";
    return (ok ? "✓ " : "✗ ") + file.name + " (" + size + ")" + (ok ? "" : " — " + (messages.badFormat || ""));
  });
  status.textContent = lines.join("; ");
  status.classList.toggle("bad", lines.some(function (line) { return line.charAt(0) === "✗"; }));
});

// A table wider than a narrow screen scrolls inside its own box (site.css), as do
// long texts; a box that scrolls must be reachable from the keyboard (WCAG 2.1.1),
// so it becomes focusable while it overflows.
function scrolls(box) {
  var style = window.getComputedStyle(box);
  var x = /auto|scroll/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
  var y = /auto|scroll/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
  return x || y;
}
function markScrollingBoxes() {
  var boxes = document.querySelectorAll("main table, main div, main pre, main section, main ul, main ol");
  Array.prototype.forEach.call(boxes, function (box) {
    if (scrolls(box)) {
      if (!box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
      }
    } else if (box.hasAttribute("data-scroll-focus")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-focus");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollingBoxes);
window.addEventListener("resize", markScrollingBoxes);

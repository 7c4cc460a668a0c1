// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // Toasts disappear by themselves after a while.
  document.querySelectorAll("#toasts .toast:not([data-timed])").forEach(function (toast) {
    toast.dataset.timed = "1";
    setTimeout(function () { toast.remove(); }, 6000);
  });
});

// Error answers carry something to show: a form with messages beside its fields (422), the record as it
// is now (409), or a toast the server retargets. htmx drops 4xx/5xx by default, so swap them too; only
// the bare-text 413 of the size limit is left out.
if (window.htmx) {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "413", swap: false, error: true },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ];
}

// Error summary (GOV.UK pattern). A form sent back with errors shows a message (`.notice.error`, or the
// `error_summary` macro) and a `p.error#e-…` beside each field. Here the message gains a list of links to
// those fields (when the server did not print one) and takes the focus, so keyboard and screen-reader
// users hear what went wrong and can jump to each field.
function fieldOf(message) {
  return document.querySelector('[aria-describedby~="' + message.id + '"]') ||
    (message.closest(".field") || message.parentElement).querySelector("input:not([type=hidden]), select, textarea");
}

function fieldName(control) {
  var box = control.closest("fieldset.field") || control.closest(".field");
  var label = box && box.matches("fieldset") ? box.querySelector("legend") : document.querySelector('label[for="' + control.id + '"]');
  if (!label) return "";
  var copy = label.cloneNode(true);
  copy.querySelectorAll(".req, .visually-hidden").forEach(function (e) { e.remove(); });
  return copy.textContent.trim();
}

function errorSummary(root) {
  var summary = root.querySelector("[data-error-summary]");
  var messages = Array.prototype.filter.call(root.querySelectorAll("p.error[id]"), function (m) { return fieldOf(m); });
  if (!summary) {
    var notice = root.querySelector(".notice.error");
    if (!notice || notice.closest("#toasts") || !messages.length) return null;
    summary = notice;
  }
  if (!summary.querySelector("ul") && messages.length) {
    var list = document.createElement("ul");
    list.className = "error-summary-list";
    messages.forEach(function (message) {
      var control = fieldOf(message);
      var target = control.closest("fieldset.field") || control;
      var link = document.createElement("a");
      var name = fieldName(control);
      link.href = "#" + target.id;
      link.textContent = (name ? name + ": " : "") + message.textContent.trim();
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.classList.add("error-summary");
    summary.appendChild(list);
  }
  summary.removeAttribute("role");  // it takes the focus, which reads it; an alert would read it twice
  summary.tabIndex = -1;
  return summary;
}

// A link of the summary moves the focus into its field (an anchor alone only scrolls).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
  var target = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  var control = target.matches("fieldset") ? target.querySelector("input, select, textarea") : target;
  if (!control) return;
  event.preventDefault();
  (target.querySelector("legend") || document.querySelector('label[for="' + control.id + '"]') || control).scrollIntoView();
  control.focus({ preventScroll: true });
});

document.addEventListener("DOMContentLoaded", function () {
  var main = document.querySelector("main") || document.body;
  var summary = errorSummary(main);
  if (summary && (!document.activeElement || document.activeElement === document.body)) summary.focus();
});

// After an htmx swap replaced the element that had the focus (an "Approve" or "Accept" button), the focus
// falls back to <body>. Move it to what the new content says: an element marked `data-focus`, an error
// summary, or the confirmation (`role="status"` / `role="alert"`). Toasts are left to their live region,
// and a swap that kept the focus where the user is (typing in a search box) is left alone.
var focusAfterSettle = null;
// A pager link (`data-focus-after="#heading"`) replaces the list it sits in: the focus would fall to <body> and the
// window stay scrolled to where the old page ended. The new page's heading scrolls into view and takes the focus.
var focusAfterPaging = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  focusAfterPaging = (elt && elt.getAttribute && elt.getAttribute("data-focus-after")) || null;
});
document.addEventListener("htmx:load", function (event) {
  var root = event.detail.elt;
  if (!root || root === document.body || root.closest("#toasts")) return;
  var pick = function (selector) { return root.matches(selector) ? root : root.querySelector(selector); };
  var target = pick("[data-focus]") || errorSummary(root) || pick('[role="status"], [role="alert"]');
  if (target && !focusAfterSettle) focusAfterSettle = target;
});
document.addEventListener("htmx:afterSettle", function () {
  var paged = focusAfterPaging && document.querySelector(focusAfterPaging);
  var target = paged || focusAfterSettle;
  focusAfterSettle = focusAfterPaging = null;
  if (!target || !target.isConnected) return;
  var lost = !document.activeElement || document.activeElement === document.body;
  if (!paged && !lost && !target.hasAttribute("data-focus")) return;
  if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) target.tabIndex = -1;
  if (paged) target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: !!paged });
});

// The phone menu (<details class="menu-toggle">) closes with Escape; the focus returns to its button.
document.addEventListener("keydown", function (event) {
  var menu = event.key === "Escape" && document.querySelector("details.menu-toggle[open]");
  if (!menu) return;
  menu.removeAttribute("open");
  menu.querySelector("summary").focus();
});

// A file larger than its input allows (`data-max-bytes`) is refused at once, with the input's own message
// (`data-too-large`), instead of after sending megabytes the server would refuse. The server checks again.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
  var file = input.files && input.files[0];
  var tooLarge = !!file && file.size > Number(input.dataset.maxBytes);
  var box = input.closest(".field");
  var shown = box.querySelector("p.error.client");
  if (shown) shown.remove();
  input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
  box.classList.toggle("has-error", tooLarge);
  if (!tooLarge) { input.removeAttribute("aria-invalid"); return; }
  var message = document.createElement("p");
  message.className = "error client";
  message.id = "e-" + input.id + "-client";
  message.textContent = input.dataset.tooLarge;
  box.appendChild(message);
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "") + " " + message.id);
});
document.addEventListener("submit", function (event) {
  var input = event.target.querySelector && event.target.querySelector("input[type=file][data-max-bytes]");
  if (input && !input.checkValidity()) { event.preventDefault(); input.focus(); }
});

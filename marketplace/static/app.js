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

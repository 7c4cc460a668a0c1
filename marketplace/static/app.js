// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // Toasts disappear by themselves after a while.
  document.querySelectorAll("#toasts .toast:not([data-timed])").forEach(function (toast) {
    toast.dataset.timed = "1";
    setTimeout(function () { toast.remove(); }, 6000);
  });
});

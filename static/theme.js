// Apply the saved theme before the page paints; the toggle button is enhancement only.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("l2h-theme"); } catch (e) {}
  if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function dark() {
      var chosen = document.documentElement.dataset.theme;
      return chosen ? chosen === "dark" : system.matches;
    }
    // A toggle button: pressed while the dark theme is on, whether chosen here or by the system.
    function show() { button.setAttribute("aria-pressed", dark() ? "true" : "false"); }
    button.hidden = false;
    show();
    if (system.addEventListener) system.addEventListener("change", show);
    button.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      document.documentElement.dataset.theme = next;
      try { localStorage.setItem("l2h-theme", next); } catch (e) {}
      show();
    });
  });
})();

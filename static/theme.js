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
  // A box that can scroll (code, a wide table or formula, the BibTeX entry, the chart, the map) is a tab stop, so
  // that a keyboard can scroll it: the page makes it one (tabindex="0"), which is right without JavaScript. Where
  // it fits and cannot scroll it is a stop too many: it leaves the tab order while it fits, and comes back when
  // the window narrows or its content grows. An inline formula is read as part of its sentence while it fits: its
  // box has no role and name then, which would make a screen reader announce a region in the middle of the
  // sentence. The page makes only a long one a named stop (markup.py); a short one's box keeps its name in
  // data-label and becomes a stop here only should it scroll. A formula's box within a link is never a stop: a
  // link may hold none, and the link is one.
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll("pre[tabindex='0'], .table-scroll[tabindex='0'], .math-scroll[tabindex='0'], "
        + ".math-inline, figure[tabindex='0']")).filter(function (box) { return !box.closest("a"); });
    if (!boxes.length) return;
    var names = boxes.map(function (box) {
      box.dataset.scrollStop = "";  // the boxes looked after here
      return box.classList.contains("math-inline") ? box.getAttribute("aria-label") || box.dataset.label : null;
    });
    function scrolls(box) {  // a box scrolls along an axis its overflow lets a reader scroll (not "hidden")
      var style = getComputedStyle(box);
      return style.overflowX !== "hidden" && box.scrollWidth > box.clientWidth + 1
        || style.overflowY !== "hidden" && box.scrollHeight > box.clientHeight + 1;
    }
    function update() {
      boxes.forEach(function (box, i) {
        if (scrolls(box)) {
          box.setAttribute("tabindex", "0");
          if (names[i]) { box.setAttribute("role", "region"); box.setAttribute("aria-label", names[i]); }
        } else if (document.activeElement !== box) {
          box.removeAttribute("tabindex");
          if (names[i]) { box.removeAttribute("role"); box.removeAttribute("aria-label"); }
        }
      });
    }
    update();
    var pending = 0;
    function later() { clearTimeout(pending); pending = setTimeout(update, 100); }
    window.addEventListener("resize", later);
    window.addEventListener("load", update);  // fonts and images may widen a box's content
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(later);
      boxes.forEach(function (box) {
        observer.observe(box);
        if (box.firstElementChild) observer.observe(box.firstElementChild);
      });
    }
  });
})();

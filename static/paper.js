// Paper page: the "Copy BibTeX" button. Without JavaScript the entry is still there to select.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) return;
    var label = button.textContent, restore = 0;
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent).then(function () {
        // "Copied" for a moment; then the button says again what it does (the status line keeps the news).
        button.textContent = "Copied";
        clearTimeout(restore);
        restore = setTimeout(function () { button.textContent = label; }, 2000);
        if (status) status.textContent = "BibTeX copied to the clipboard.";
      }, function () {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (status) status.textContent = "Press Ctrl+C to copy the selected BibTeX.";
      });
    });
  });
})();

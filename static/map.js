// The topic map of a large review is a separate file (papers/topic-map.svg) instead of part of every
// page that shows it. This loads it into its figure when the figure comes into view (or when asked,
// through window.l2hMap.load), keeping the link to the file for readers without JavaScript.
(function () {
  "use strict";
  var loading = {};

  function load(figure) {
    var src = figure && figure.dataset.mapSrc;
    if (!src) return Promise.resolve(figure ? figure.querySelector("svg") : null);
    if (!loading[src]) {
      var url = new URL(src, location.href).href;
      loading[src] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error("map: " + response.status);
        return response.text();
      }).then(function (text) {
        // Read by the HTML parser, which takes an <svg> in its stride (and the file's XML prolog as a comment):
        // Chromium's XML parser takes 0.6 to 1 s for the 5,000 points of a 1.2 MB map, the HTML parser 0.04 s.
        // Either document is inert: nothing in it runs or loads.
        var svg = new DOMParser().parseFromString(text, "text/html").querySelector("body > svg");
        if (!svg) throw new Error("map: not an SVG file");
        svg.removeAttribute("class");
        // The file's links are relative to its own folder; make them absolute before moving them here.
        Array.prototype.forEach.call(svg.querySelectorAll("a[href]"), function (link) {
          link.setAttribute("href", new URL(link.getAttribute("href"), url).href);
        });
        var node = document.importNode(svg, true);
        var placeholder = figure.querySelector(".map-placeholder");
        if (placeholder) placeholder.replaceWith(node); else figure.insertBefore(node, figure.firstChild);
        delete figure.dataset.mapSrc;
        return node;
      });
      loading[src].catch(function () { delete loading[src]; });
    }
    return loading[src];
  }

  window.l2hMap = { load: load };

  document.addEventListener("DOMContentLoaded", function () {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.topic-map[data-map-src]"))
      .filter(function (figure) { return !figure.closest("details"); });  // a folded map loads when opened
    if (!figures.length) return;
    if (!("IntersectionObserver" in window)) { figures.forEach(load); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); load(entry.target); }
      });
    }, { rootMargin: "400px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  });
})();

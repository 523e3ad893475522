// All-papers page: search as you type, combinable filters (several tags at once), sorting, state in
// the URL, and the topic map's points highlighted for the papers that match.
// Without JavaScript the page lists every paper grouped by year; this script only enhances it.
(function () {
  "use strict";
  var form = document.getElementById("finder");
  var dataNode = document.getElementById("papers-data");
  if (!form || !dataNode) return;
  var records = JSON.parse(dataNode.textContent);
  var grouped = document.getElementById("all-papers");
  var flat = document.getElementById("finder-results");
  var status = document.getElementById("finder-status");
  var query = document.getElementById("f-q");
  var sortSelect = document.getElementById("f-sort");
  var fromInput = document.getElementById("f-from");
  var toInput = document.getElementById("f-to");
  var facetSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var tagBoxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="tag"]'));
  var mapPoints = Array.prototype.slice.call(document.querySelectorAll("#finder-map a.map-point[data-key]"));
  var mapCount = document.getElementById("finder-map-count");
  var scriptUrl = document.currentScript ? document.currentScript.src : location.href;

  var items = {};
  grouped.querySelectorAll("li.paper-item[data-key]").forEach(function (li) { items[li.dataset.key] = li; });
  var sections = Array.prototype.slice.call(grouped.querySelectorAll(".year-group"));
  sections.forEach(function (section) {
    var count = section.querySelector(".year-heading .count");
    if (count) count.dataset.total = count.textContent;
  });

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Labels of facet values, so that "deep" or "Graph-based search" match the papers classified so.
  var facetLabels = {};
  facetSelects.forEach(function (select) {
    var labels = {};
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) labels[option.value] = option.textContent.replace(/\s*\(\d+\)\s*$/, "");
    });
    facetLabels[select.dataset.facet] = labels;
  });
  records.forEach(function (r, index) {
    var words = [r.t, r.a, r.v, r.y].concat(r.g);
    Object.keys(r.f).forEach(function (facet) {
      r.f[facet].forEach(function (value) { words.push(value, (facetLabels[facet] || {})[value] || ""); });
    });
    r.text = fold(words.join(" \u0001 "));
    r.order = index;
    r.titleKey = fold(r.t);
  });

  // ----- state <-> controls <-> URL -----
  function readControls() {
    var tags = tagBoxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var state = { q: query.value.trim(), tags: tags, venue: form.elements.venue.value,
                  from: fromInput.value.trim(), to: toInput.value.trim(), sort: sortSelect.value, facets: {} };
    facetSelects.forEach(function (select) { if (select.value) state.facets[select.dataset.facet] = select.value; });
    return state;
  }

  function setSelect(select, value) {
    select.value = value || "";
    if (select.value !== (value || "")) select.value = "";
  }

  function writeControls(params) {
    query.value = params.get("q") || "";
    var tags = params.getAll("tag");
    tagBoxes.forEach(function (box) { box.checked = tags.indexOf(box.value) >= 0; });
    setSelect(form.elements.venue, params.get("venue"));
    fromInput.value = /^\d{1,4}$/.test(params.get("from") || "") ? params.get("from") : "";
    toInput.value = /^\d{1,4}$/.test(params.get("to") || "") ? params.get("to") : "";
    setSelect(sortSelect, params.get("sort") || "year");
    facetSelects.forEach(function (select) { setSelect(select, params.get(select.dataset.facet)); });
  }

  function toSearch(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    state.tags.forEach(function (tag) { params.append("tag", tag); });
    facetSelects.forEach(function (select) {
      var facet = select.dataset.facet;
      if (state.facets[facet]) params.set(facet, state.facets[facet]);
    });
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.venue) params.set("venue", state.venue);
    if (state.sort && state.sort !== "year") params.set("sort", state.sort);
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function saveUrl(state, push) {
    var target = location.pathname + toSearch(state) + location.hash;
    if (target === location.pathname + location.search + location.hash) return;
    if (push) history.pushState(null, "", target); else history.replaceState(null, "", target);
  }

  // ----- full-text search through Pagefind (summaries), loaded on first use -----
  var pagefind = null;          // the module, false when unavailable
  var pagefindLoading = null;
  var fullText = { q: "", keys: null };
  var fullTextTimer = 0;
  var fullTextSeq = 0;
  var abstracts = null;         // fallback when Pagefind is missing: abstracts from papers.json

  function loadPagefind() {
    if (!pagefindLoading) {
      pagefindLoading = import(new URL("../pagefind/pagefind.js", scriptUrl).href).then(function (module) {
        pagefind = module;
        return module.options ? module.options({ excerptLength: 0 }) : null;
      }).catch(function () {
        pagefind = false;
        return fetch(new URL("../papers.json", scriptUrl).href).then(function (response) {
          return response.ok ? response.json() : [];
        }).then(function (items) {
          abstracts = {};
          items.forEach(function (item) { abstracts[item.id] = fold(item.abstract || ""); });
        }).catch(function () { abstracts = {}; });
      });
    }
    return pagefindLoading;
  }

  function keyOfUrl(url) {
    var match = /publications\/([^\/?#]+)\/?(?:index\.html)?(?:[?#].*)?$/.exec(url || "");
    return match ? decodeURIComponent(match[1]) : null;
  }

  function searchFullText(q) {
    var seq = ++fullTextSeq;
    loadPagefind().then(function () {
      if (seq !== fullTextSeq) return null;
      if (!pagefind) {
        fullText = { q: q, keys: null };
        apply(false);
        return null;
      }
      return pagefind.search(q).then(function (search) {
        var results = (search && search.results ? search.results : []).slice(0, 200);
        return Promise.all(results.map(function (r) { return r.data(); }));
      }).then(function (pages) {
        if (seq !== fullTextSeq) return;
        var keys = {};
        pages.forEach(function (page) { var key = keyOfUrl(page.url); if (key) keys[key] = true; });
        fullText = { q: q, keys: keys };
        apply(false);
      });
    }).catch(function () { /* a failed search leaves the local matches */ });
  }

  // ----- filtering and display -----
  function matches(r, state, terms) {
    for (var i = 0; i < state.tags.length; i++) {
      if (r.g.indexOf(state.tags[i]) < 0) return false;
    }
    if (state.venue && r.v !== state.venue) return false;
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    if (!isNaN(from) && r.y < from) return false;
    if (!isNaN(to) && r.y > to) return false;
    for (var facet in state.facets) {
      if ((r.f[facet] || []).indexOf(state.facets[facet]) < 0) return false;
    }
    if (!terms.length) return true;
    if (fullText.keys && fullText.q === state.q && fullText.keys[r.k]) return true;
    var text = r.text;
    if (abstracts && abstracts[r.k]) text = text + " " + abstracts[r.k];
    return terms.every(function (term) { return text.indexOf(term) >= 0; });
  }

  function compare(sort) {
    var byTitle = function (a, b) { return a.titleKey < b.titleKey ? -1 : a.titleKey > b.titleKey ? 1 : a.order - b.order; };
    if (sort === "title") return byTitle;
    if (sort === "oldest") return function (a, b) { return a.y - b.y || byTitle(a, b); };
    if (sort === "venue") {
      return function (a, b) {
        if (!a.v !== !b.v) return a.v ? -1 : 1;
        var va = fold(a.v), vb = fold(b.v);
        return va < vb ? -1 : va > vb ? 1 : b.y - a.y || byTitle(a, b);
      };
    }
    return function (a, b) { return a.order - b.order; };
  }

  var announceTimer = 0;
  function announce(text) {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { status.textContent = text; }, 250);
  }

  function apply(refetch) {
    var state = readControls();
    var terms = fold(state.q).split(/\s+/).filter(Boolean);
    if (refetch) {
      clearTimeout(fullTextTimer);
      if (state.q && state.q !== fullText.q) {
        fullTextTimer = setTimeout(function () { searchFullText(state.q); }, 150);
      }
    }
    var shown = records.filter(function (r) { return matches(r, state, terms); });
    var filtered = shown.length !== records.length;
    if (state.sort === "year") {
      var visible = {};
      shown.forEach(function (r) { visible[r.k] = true; });
      Object.keys(items).forEach(function (key) { items[key].hidden = !visible[key]; });
      sections.forEach(function (section) {
        var count = section.querySelectorAll("li.paper-item:not([hidden])").length;
        section.hidden = count === 0;
        var badge = section.querySelector(".year-heading .count");
        if (badge) badge.textContent = filtered ? count : badge.dataset.total;
      });
      flat.hidden = true;
      flat.textContent = "";
      grouped.hidden = false;
    } else {
      shown.sort(compare(state.sort));
      var fragment = document.createDocumentFragment();
      shown.forEach(function (r) {
        var clone = items[r.k].cloneNode(true);
        clone.hidden = false;
        fragment.appendChild(clone);
      });
      flat.textContent = "";
      flat.appendChild(fragment);
      flat.hidden = false;
      grouped.hidden = true;
    }
    highlightMap(shown, filtered);
    var text = filtered
      ? "Showing " + shown.length + " of " + records.length + " papers" + (state.q ? " matching \u201c" + state.q + "\u201d" : "") + "."
      : "Showing all " + records.length + " papers.";
    announce(text);
    form.dataset.count = String(shown.length);
    return state;
  }

  // Mark the matching papers' points on the topic map and fade the rest; all plain when unfiltered.
  function highlightMap(shown, filtered) {
    if (!mapPoints.length) return;
    var match = {};
    shown.forEach(function (r) { match[r.k] = true; });
    mapPoints.forEach(function (point) {
      var hit = filtered && match[point.dataset.key] === true;
      point.classList.toggle("is-match", hit);
      point.classList.toggle("is-dimmed", filtered && !hit);
    });
    if (mapCount) mapCount.textContent = filtered ? " \u2014 " + shown.length + " of " + records.length + " highlighted" : "";
  }

  // ----- events -----
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    saveUrl(apply(true), true);
  });
  query.addEventListener("input", function () { saveUrl(apply(true), false); });
  query.addEventListener("change", function () { saveUrl(readControls(), true); });
  form.addEventListener("change", function (event) {
    if (event.target === query) return;
    saveUrl(apply(true), true);
  });
  [fromInput, toInput].forEach(function (input) {
    input.addEventListener("input", function () { saveUrl(apply(true), false); });
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { fullText = { q: "", keys: null }; saveUrl(apply(true), true); }, 0);
  });
  window.addEventListener("popstate", function () {
    writeControls(new URLSearchParams(location.search));
    apply(true);
  });

  writeControls(new URLSearchParams(location.search));
  form.hidden = false;
  apply(true);
  // Warm up the search index while the reader looks at the page.
  query.addEventListener("focus", function () { loadPagefind(); }, { once: true });
})();

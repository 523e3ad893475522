// All-papers page: search as you type, combinable filters (several tags at once), sorting, state in
// the URL, and the topic map's points highlighted for the papers that match.
// Without JavaScript the page lists the papers grouped by year; this script only enhances it.
//
// The data is fetched in pieces so that a review of 20,000 papers stays light (see finder.py):
// papers/finder.json (years, venues, tag and facet postings: what filtering needs), the cards of the
// results on screen (papers/cards/<n>.json), the sort ranks on the first sort by title or venue,
// the Pagefind index plus each paper's Pagefind id on the first search, and the papers' words
// (papers/finder-words.json) when a search of a large review finds nothing, for its "Did you mean …?".
(function () {
  "use strict";
  var form = document.getElementById("finder");
  var l2hSearch = window.l2hSearch;  // search-rules.js
  if (!form || !window.fetch || !window.URLSearchParams || !l2hSearch) return;
  var root = new URL(form.dataset.root || "../", location.href);
  var grouped = document.getElementById("all-papers");
  var results = document.getElementById("finder-results");
  var more = document.getElementById("finder-more");
  var status = document.getElementById("finder-status");
  var query = document.getElementById("f-q");
  var sortSelect = document.getElementById("f-sort");
  var bestOption = sortSelect.querySelector('option[value="best"]');
  var fromInput = document.getElementById("f-from");
  var toInput = document.getElementById("f-to");
  var facetSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  var tagBoxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="tag"]'));
  var ticked = document.getElementById("f-tags-ticked");
  var tagCounts = tagBoxes.map(function (box) { return box.parentNode.querySelector(".tag-count"); });
  var printNote = document.getElementById("finder-print-note");
  var mapDetails = document.getElementById("finder-map");
  var mapCount = document.getElementById("finder-map-count");
  var PAGE = parseInt(form.dataset.page, 10) || 100;  // results shown at first, and added by "Show more"
  var filtersBox = document.getElementById("finder-fold");
  var filtersCount = document.getElementById("finder-fold-count");

  // ----- the filters, folded on a phone -----
  // Where style.css shows their summary (a phone's width), the filters fold behind it, and it says how many are
  // chosen: the search, its count and the papers come first. Where it hides it, they are open, as nothing could open
  // them. The summary is asked, not the width, so that the width is written in style.css alone.
  // Whether the reader has unfolded them is kept in the step of the history, as the place is (keepPlace): a reload
  // or a return by Back finds them as the reader left them, a new tab or a link followed finds them folded, and a
  // turn to a desktop's width and back keeps them. Back and Forward between views leave them as they are.
  var unfolded = !!(history.state && history.state.unfolded);
  var folding = null;           // whether the summary was shown when last looked at
  function foldFilters() {
    var shown = getComputedStyle(filtersBox.querySelector("summary")).display !== "none";
    if (shown === folding) return;  // only a change of width: a toggle is the reader's
    folding = shown;
    if (!shown) filtersBox.open = true;
    else if (!filtersBox.contains(document.activeElement)) filtersBox.open = unfolded;  // not from under their keys
  }
  // The step shown says whether the filters are unfolded (at a phone's width, where the reader folds them).
  function keepFold() {
    if (folding) unfolded = filtersBox.open;
    if (unfolded !== !!(history.state && history.state.unfolded)) {
      history.replaceState(stepState(placeOf(history.state)), "", location.href);
    }
  }
  if (filtersBox) {
    foldFilters();
    window.addEventListener("resize", foldFilters);
    filtersBox.addEventListener("toggle", keepFold);
  }

  // "Filters (2)": each tag, facet, the venue and the years count as one; the order, not a filter, is named if changed.
  function showFilterCount(state) {
    if (!filtersCount) return;
    var chosen = state.tags.length + Object.keys(state.facets).length + (state.venue ? 1 : 0) +
      (state.from || state.to ? 1 : 0);
    var sort = sortSelect.selectedOptions[0];
    setText(filtersCount, (chosen ? " (" + chosen + ")" : "") +
      (state.order !== defaultOrder(state.q) && sort ? " \u00b7 sorted by " + sort.textContent.trim().toLowerCase() : ""));
  }

  function siteUrl(path) { return new URL(path, root).href; }
  function fetched(path) {
    return fetch(siteUrl(path)).then(function (response) {
      if (!response.ok) throw new Error(path + ": " + response.status);
      return response;
    });
  }
  function getJson(path) { return fetched(path).then(function (response) { return response.json(); }); }
  // A count as the pages and the build write it, whatever the browser's language: 5,000 (and 500).
  function number(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  // A count and the word in its number, as textutil.counted writes them: "1 paper", "5,000 papers".
  function counted(n, word) {
    return number(n) + " " + (n === 1 ? word : word + "s");
  }

  var fold = l2hSearch.fold, spellings = l2hSearch.spellings;

  function decodePosting(text, count) {
    var member = new Uint8Array(count);
    var at = 0;
    if (text) text.split(",").forEach(function (gap) { at += parseInt(gap, 36); member[at] = 1; });
    return member;
  }

  // ----- the data -----
  var data = null;              // finder.json, decoded
  var cardFiles = {};           // card file number -> promise of its rows
  var ranks = null;             // promise of finder-sort.json
  var texts = null;             // paper number -> folded text, when every card is loaded (small reviews)
  var textAccents = null;       // the words of texts written with accents, as written (see countAccented)
  var knownKeys = {};           // paper number -> key, of the cards loaded so far

  function decode(raw) {
    var n = raw.count;
    var d = { count: n, cardSize: raw.cards, year: new Int16Array(n), venue: raw.venue, venues: raw.venues,
              tags: {}, facets: {}, paperTags: [], paperFacets: [], yearTotals: {} };
    var at = 0;
    raw.years.forEach(function (run) {
      d.yearTotals[run[0]] = run[1];
      for (var k = 0; k < run[1]; k++) d.year[at++] = run[0];
    });
    for (var i = 0; i < n; i++) { d.paperTags.push([]); d.paperFacets.push([]); }
    raw.tags.forEach(function (entry) {
      var member = decodePosting(entry[2], n);
      d.tags[entry[0]] = member;
      for (var i = 0; i < n; i++) if (member[i]) d.paperTags[i].push({ name: entry[0], slug: entry[1] });
    });
    Object.keys(raw.facets).forEach(function (facet) {
      d.facets[facet] = {};
      Object.keys(raw.facets[facet]).forEach(function (value) {
        var member = d.facets[facet][value] = decodePosting(raw.facets[facet][value], n);
        for (var i = 0; i < n; i++) if (member[i]) d.paperFacets[i].push([facet, value]);
      });
    });
    return d;
  }

  function cardFile(k) {
    if (!cardFiles[k]) {
      cardFiles[k] = getJson("papers/cards/" + k + ".json");
      cardFiles[k].catch(function () { delete cardFiles[k]; });
    }
    return cardFiles[k];
  }

  // The first paper number of every card file: asking cardsOf for these loads every card.
  function allCards() {
    var firsts = [];
    for (var k = 0; k * data.cardSize < data.count; k++) firsts.push(k * data.cardSize);
    return firsts;
  }

  // Cards of the given paper numbers, as {number: [key, titleHtml, authors]}.
  function cardsOf(numbers) {
    var files = {};
    numbers.forEach(function (i) { files[Math.floor(i / data.cardSize)] = true; });
    var wanted = Object.keys(files).map(Number);
    return Promise.all(wanted.map(cardFile)).then(function (loaded) {
      var out = {};
      wanted.forEach(function (k, j) {
        loaded[j].forEach(function (row, offset) { out[k * data.cardSize + offset] = row; });
      });
      return out;
    });
  }

  // Labels of facet values, so that "deep" or "Graph-based search" match the papers classified so; and the label of
  // each list's "Any" option, by facet and under "venue".
  var facetLabels = {}, anyLabels = {};
  function withoutCount(option) { return option.textContent.replace(/\s*\([\d,]+\)\s*$/, ""); }
  facetSelects.forEach(function (select) {
    var labels = {};
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) labels[option.value] = withoutCount(option);
      else anyLabels[select.dataset.facet] = withoutCount(option);
    });
    facetLabels[select.dataset.facet] = labels;
  });
  anyLabels.venue = withoutCount(form.elements.venue.options[0]);

  function plainText(html) {
    var node = document.createElement("span");
    node.innerHTML = html;  // sanitised by the build (nh3); this node is never attached
    return node.textContent;
  }

  // Every paper's title, authors, venue, year, tags and facet labels, folded: for matching words
  // locally, which a small review (one card file) always does and a large one only without Pagefind. The names, and
  // the title's words, also in the ASCII readers type for them, as paper.html gives them to Pagefind.
  // The other names taxonomy.yml gives a venue or tag (data-aliases of its option or box), which a reader may search
  // by: "NIPS", "PAMI", "SIGKDD" find the papers of NeurIPS, TPAMI and KDD, as "?venue=NIPS" selects NeurIPS.
  function otherNames(elements) {
    var names = {};
    Array.prototype.forEach.call(elements, function (element) {
      if (element.dataset.aliases) names[element.value] = JSON.parse(element.dataset.aliases).join(" ");
    });
    return names;
  }

  function loadTexts() {
    var venueNames = otherNames(form.elements.venue.options), tagNames = otherNames(tagBoxes);
    return cardsOf(allCards()).then(function (cards) {
      var out = [], accents = { forms: new Map(), copies: new Map() };
      for (var i = 0; i < data.count; i++) {
        var row = cards[i] || ["", "", ""];
        knownKeys[i] = row[0];
        var title = plainText(row[1]);
        var venue = data.venue[i] >= 0 ? data.venues[data.venue[i]] : "";
        var words = [title, l2hSearch.asciiWords(title), row[2], l2hSearch.asciiNames(row[2]), venue,
                     venueNames[venue] || "", data.year[i]];
        data.paperTags[i].forEach(function (tag) { words.push(tag.name, tagNames[tag.name] || ""); });
        Object.keys(data.facets).forEach(function (facet) {
          Object.keys(data.facets[facet]).forEach(function (value) {
            if (data.facets[facet][value][i]) words.push(value, (facetLabels[facet] || {})[value] || "");
          });
        });
        var text = words.join(" \u0001 ");
        countAccented(text, words[1] + " " + words[3], accents);
        out.push(fold(text));
      }
      textAccents = accents;
      texts = out;
    });
  }

  // ----- state <-> controls <-> URL -----
  // The order of the papers: the one the reader chose (state.sort, in the URL), or else the default (""): the best
  // match first for a search that the index answers with scores, newest first otherwise. A search matched locally
  // (without Pagefind, or after it failed) has no scores, so its default stays newest first and "Best match" is not
  // offered. Newest first chosen for a search is no choice once the query is cleared: the next search is in best-match
  // order again. state.order is the order shown.
  var chosenSort = "";
  function isRanked(q) {
    return !!q && find !== false && !(fullText.failed && fullText.q === q);
  }
  function defaultOrder(q) { return isRanked(q) ? "best" : "year"; }

  function readControls() {
    var tags = tagBoxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var q = query.value.trim();
    if (!q && chosenSort === "year") chosenSort = "";
    var state = { q: q, tags: tags, venue: form.elements.venue.value, from: fromInput.value.trim(),
                  to: toInput.value.trim(), sort: chosenSort, order: "", facets: {} };
    state.order = state.sort || defaultOrder(q);
    facetSelects.forEach(function (select) { if (select.value) state.facets[select.dataset.facet] = select.value; });
    return state;
  }

  // Show the order of a view in its list, which offers "Best match" only where a search can be ordered so. Disabled
  // rather than removed: the list keeps its options and their places (a screen reader reads it as unavailable, and
  // the keys that move through the list pass over it), and the option says that searches have that order.
  function showOrder(state) {
    bestOption.disabled = !isRanked(state.q);
    sortSelect.value = state.order;
  }

  // Whether a link's value names this option or tag box: its value or one of its other names in the taxonomy
  // (data-aliases: "?venue=NIPS" is NeurIPS, as a paper that writes NIPS is shown under NeurIPS), whatever its case
  // ("?tag=cnn", "?venue=cvpr"): links are typed by hand too, or kept from before a name changed.
  function isNamed(element, value) {
    var folded = fold(value);
    return [element.value].concat(JSON.parse(element.dataset.aliases || "[]")).some(function (name) {
      return fold(name) === folded;
    });
  }

  // Choose the option that this value names (see isNamed) and return true; else choose `otherwise` and return false.
  function setSelect(select, value, otherwise) {
    var found = value ? Array.prototype.filter.call(select.options, function (option) {
      return option.value && isNamed(option, value);
    })[0] : null;
    select.value = found ? found.value : otherwise || "";
    return !!found;
  }

  // Set the controls from a URL's parameters; return {unknown, span}: what of them this review does not have, which
  // the view leaves out (a tag renamed or removed since the link was shared, a mistyped venue, years that no paper
  // is from): the reader is told, rather than shown every paper, or none, without a word; and, for years all before
  // or all after the papers', which years they are from, as for years typed. ?year=2017 is the papers of one year
  // (from and to 2017). Years are checked against the papers only for a link (fromLink): a step of the history
  // holds what the reader typed, which is restored as it was.
  function writeControls(params, fromLink) {
    var unknown = [];
    query.value = params.get("q") || "";
    var tags = params.getAll("tag").filter(Boolean);
    tagBoxes.forEach(function (box) {
      box.checked = tags.some(function (tag) { return isNamed(box, tag); });
    });
    tags.forEach(function (tag) {
      if (!tagBoxes.some(function (box) { return isNamed(box, tag); })) unknown.push("tag \u201c" + tag + "\u201d");
    });
    var venue = params.get("venue");
    if (!setSelect(form.elements.venue, venue) && venue) unknown.push("venue \u201c" + venue + "\u201d");
    var one = params.get("year") || "";
    [["from", fromInput], ["to", toInput]].forEach(function (year) {
      var value = one || params.get(year[0]) || "";
      year[1].value = /^\d{1,4}$/.test(value) ? value : "";
      if (value && !year[1].value && !(one && year[0] === "to")) unknown.push("year \u201c" + value + "\u201d");
    });
    var absent = fromLink ? absentYears(fromInput.value, toInput.value) : "", span = "";
    if (absent) {
      unknown.push(absent);
      span = yearSpan({ from: fromInput.value, to: toInput.value });
      fromInput.value = toInput.value = "";
    }
    // an unknown sort is the default one, as "best" is: a search's default (showOrder shows the order in the list)
    chosenSort = setSelect(sortSelect, params.get("sort"), "year") && sortSelect.value !== "best" ? sortSelect.value : "";
    facetSelects.forEach(function (select) {
      var value = params.get(select.dataset.facet);
      if (!setSelect(select, value) && value) unknown.push(facetName(select) + " \u201c" + value + "\u201d");
    });
    return { unknown: unknown, span: span };
  }

  // A facet as a sentence names it: "method family".
  function facetName(select) {
    var label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : select.dataset.facet;
    return label.toLowerCase();
  }

  // The years of a link's bounds, "year “1850”" or "years “2030–2040”", "years from “2030”", "years up to “1990”", if
  // no paper is from those years; else "". Bounds the wrong way round are left to the view, which says so.
  function absentYears(fromText, toText) {
    var from = parseInt(fromText, 10), to = parseInt(toText, 10);
    if ((isNaN(from) && isNaN(to)) || from > to) return "";
    var held = Object.keys(data.yearTotals).some(function (year) { return !(+year < from) && !(+year > to); });
    if (held) return "";
    if (from === to) return "year \u201c" + from + "\u201d";
    if (isNaN(to)) return "years from \u201c" + from + "\u201d";
    if (isNaN(from)) return "years up to \u201c" + to + "\u201d";
    return "years \u201c" + from + "\u2013" + to + "\u201d";
  }

  // What the link asked for that this review does not have (and the papers' years, if it asked for years outside
  // them), said with the count until the reader changes the view.
  var linkNote = "";
  function noteUnknown(left) {
    linkNote = left.unknown.length ? " Not in this review, so left out: " + left.unknown.join(", ") + "." +
      (left.span ? " " + left.span : "") : "";
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
    if (state.sort) params.set("sort", state.sort);
    var text = params.toString();
    return text ? "?" + text : "";
  }

  // The URL follows the view. Each committed change is a step in the history: a choice in a list or a
  // box ticked, and a query or year once it is committed (Enter, or leaving the field). While one is
  // typed, its first keystroke adds the step and the next ones update it, so Back returns to the view
  // before the typing, not to each letter. A field emptied (cleared, or deleted letter by letter) ends
  // that step with the text last typed, not a letter of it on the way out, and the emptied view is a
  // step of its own: Back from it brings the search back, rather than a step that looks the same as
  // the view shown. how: "commit", "typing" or "replace" (the same step).
  var typing = null;            // the step being typed: {kept}, its URL with the text last typed (not deleted)
  var saved = null;             // the state of the step shown, to tell letters typed from letters deleted
  function saveUrl(state, how) {
    if (how !== "replace") {    // the reader's own change: a view of its own, drawn from its start
      leaveStep();
      returning = null;
    }
    var last = saved;
    saved = state;
    var target = location.pathname + toSearch(state) + location.hash;
    var same = target === location.pathname + location.search + location.hash;
    if (how === "replace") {
      if (!same) history.replaceState(stepState(placeOf(history.state)), "", target);
    } else if (how === "typing") {
      if (same) return;
      var deleting = !!last && ["q", "from", "to"].every(function (k) { return last[k].indexOf(state[k]) === 0; });
      var emptied = !!last && ["q", "from", "to"].some(function (k) { return last[k] && !state[k]; });
      if (emptied && typing && typing.kept) {
        history.replaceState(stepState(placeOf(history.state)), "", typing.kept);
        typing = null;
      }
      if (typing) history.replaceState(stepState(placeOf(history.state)), "", target);
      else history.pushState(stepState(null), "", target);
      typing = typing || { kept: null };
      if (!deleting) typing.kept = target;
    } else {
      typing = null;
      if (!same) history.pushState(stepState(null), "", target);
    }
  }

  // ----- full-text search through Pagefind, loaded on first use -----
  // Pagefind and the finder's rules for it (search-rules.js) run in a worker of their own (search-worker.js), so that
  // their work never blocks the page: a common word costs Pagefind a tenth of a second or more per query at 20,000
  // papers, and a word asks several. The page sends the worker each query and gets back, in one message, the numbers
  // of the papers it finds (an Int32Array, transferred). Where no worker can be started, or it cannot load Pagefind,
  // they run in this page's thread instead, each query in a task of its own, so that the reader's keys are answered
  // between them; and where Pagefind cannot be loaded at all, words are matched in the cards and abstracts. A worker
  // that dies once it searches (crashes, closes itself, is killed) hands its queries to the page, which searches from
  // then on; a search that fails is answered with those local matches, and the reader is told (see apply), until a
  // later search is answered.
  var find = null;              // query -> promise of its papers, {numbers, keys} (see l2hSearch.open); false: none
  // A review built without a search index (search: false in l2h.yml) matches words in the page, and asks for no index.
  var indexed = form.dataset.search !== "off";
  var findLoading = null;
  var fullText = { q: "", hits: null, failed: false };  // failed: the search of q failed, hits are the local matches
  var fullTextTimer = 0;
  var fullTextSeq = 0;
  var abstracts = null;         // fallback when Pagefind is missing or fails: folded abstracts by key
  var abstractAccents = null;   // the words of abstracts written with accents, as written (see countAccented)
  var identifiers = {};         // with them: each paper's DOI and arXiv id, folded, by key (from the same file)
  var localLoading = null;      // promise of the cards' texts and the abstracts, once asked for

  function loadPagefind() {
    if (!findLoading) {
      var loading = indexed ? inWorker().catch(inPage) : Promise.reject(new Error("no search index"));
      findLoading = loading.then(function (found) {
        find = found;
      }, function () {
        find = false;
        return loadLocal();
      });
    }
    return findLoading;
  }

  // Pagefind in this page's thread, where the finder's worker cannot search: resolves to find(q), as l2hSearch.open.
  function inPage() {
    return l2hSearch.open(root.href, data.count);
  }

  // Load what words are matched in locally without Pagefind: every card's text and the abstracts (papers.json), the
  // abstracts' words also in the ASCII readers type for them (asciiWords), as paper.html gives them to Pagefind.
  // Resolves, loaded or not: what did not load matches nothing, and is asked for again next time.
  function loadLocal() {
    if (!localLoading) {
      localLoading = Promise.all([texts ? null : loadTexts(), abstracts ? null : getJson("papers.json").then(function (items) {
        var folded = {}, ids = {}, accents = { forms: new Map(), copies: new Map() };
        items.forEach(function (item) {
          var copies = l2hSearch.asciiWords(item.abstract || "");
          countAccented(item.abstract || "", copies, accents);
          folded[item.id] = fold((item.abstract || "") + " " + copies);
          // The ids as a paper's page shows them, which Pagefind indexes: the arXiv id is in the item's URL (cite.py's
          // paper_url), the abstract page's.
          var arxiv = /^https?:\/\/arxiv\.org\/abs\/(.+)$/.exec(item.URL || "");
          ids[item.id] = fold([item.DOI || "", arxiv ? arxiv[1] : ""].join(" "));
        });
        identifiers = ids;
        abstractAccents = accents;
        abstracts = folded;
      })]).catch(function () { localLoading = null; });
    }
    return localLoading;
  }

  // Start the finder's worker and resolve to its find(q) once it has loaded Pagefind; reject if no worker can be
  // started (no Worker, a page opened from a file) or it fails to load Pagefind (it is then left to stop).
  function inWorker() {
    return new Promise(function (resolve, reject) {
      var worker = new Worker(siteUrl("static/search-worker.js"));
      var asked = {}, next = 0, ready = false;
      var gone = false, page = null;  // the worker has died; promise of Pagefind in the page, which searches instead
      var heard = 0;  // when the worker last spoke
      function find(q) {
        if (gone) return searchInPage(q);
        return new Promise(function (resolveQuery, rejectQuery) {
          asked[++next] = { q: q, resolve: resolveQuery, reject: rejectQuery };
          worker.postMessage({ id: next, q: q });
          waitFor(next);
        });
      }
      // A worker that is gone without its lock, or that hangs holding it (its lock then tells nothing), is known by its
      // silence: a query unanswered while it has said nothing for 10 s (a worker working through earlier queries
      // answers them meanwhile).
      function waitFor(id) {
        setTimeout(function () {
          if (gone || !asked[id]) return;
          if (Date.now() - heard < 10000) waitFor(id); else failed(null);
        }, 10000);
      }
      function searchInPage(q) {
        if (!page) {
          page = inPage();
          page.catch(function () { page = null; });  // a later query tries again
        }
        return page.then(function (findInPage) { return findInPage(q); });
      }
      worker.addEventListener("message", function (event) {
        var message = event.data;
        if (gone) return;
        heard = Date.now();
        if (!message.id) {
          ready = message.ready;
          if (!ready) { worker.terminate(); reject(new Error("no Pagefind in the worker")); return; }
          if (message.locked) watch();  // its lock tells at once that it is gone
          resolve(find);
          return;
        }
        var query = asked[message.id];
        delete asked[message.id];
        if (message.numbers) query.resolve(message); else query.reject(new Error("the search failed"));
      });
      // Before it is ready: its script did not load or run, and the page searches (see loadPagefind). After: it
      // crashed, or an answer of it could not be read, or it is gone (event null: see watch), and no one knows which
      // query's answers will come: it is stopped, and every query waiting for it is asked in the page, as the queries
      // after it.
      function failed(event) {
        if (event) event.preventDefault();
        worker.terminate();
        if (!ready) { reject(new Error("the worker failed")); return; }
        if (gone) return;
        gone = true;
        var waiting = asked;
        asked = {};
        Object.keys(waiting).forEach(function (id) {
          searchInPage(waiting[id].q).then(waiting[id].resolve, waiting[id].reject);
        });
      }
      // A worker that closes itself or is killed (out of memory) fires no error event, and its queries would wait for
      // ever: it holds a lock of its own name while it lives, which the page is granted once the worker is gone (where
      // it cannot hold it, see waitFor).
      var lock = "l2h-search-worker-" + Date.now() + "-" + Math.random();
      function watch() {
        navigator.locks.request(lock, function () { failed(null); }).catch(function () {});
      }
      worker.addEventListener("error", failed);
      worker.addEventListener("messageerror", failed);
      worker.postMessage({ root: root.href, count: data.count, lock: lock });
    });
  }

  // Which papers a search found, as the filters test them, and in which order: each paper found has its place in the
  // best-match order, from 1, and the others 0. The numbers, and then the papers of the hits that the ids file does
  // not know, by key, which costs every card file.
  function hitsOf(found) {
    var hits = new Int32Array(data.count);
    found.numbers.forEach(function (i, k) { hits[i] = k + 1; });
    if (!found.keys.length) return Promise.resolve(hits);
    var keys = new Map();
    found.keys.forEach(function (key, k) { keys.set(key, found.numbers.length + k + 1); });
    return cardsOf(allCards()).then(function (cards) {
      Object.keys(cards).forEach(function (i) { if (keys.has(cards[i][0]) && !hits[i]) hits[i] = keys.get(cards[i][0]); });
      return hits;
    });
  }

  function searchFullText(q) {
    var seq = ++fullTextSeq;
    loadPagefind().then(function () {
      if (seq !== fullTextSeq) return null;
      if (!find) {
        fullText = { q: q, hits: null, failed: false };
        apply(false);
        return null;
      }
      return find(q).then(hitsOf).then(function (hits) {
        if (seq !== fullTextSeq) return;
        fullText = { q: q, hits: hits, failed: false };
        apply(false);
      });
    }).catch(function () {  // a failed search: the local matches, said to be only those (see apply)
      if (seq !== fullTextSeq) return null;
      return loadLocal().then(function () {
        if (seq !== fullTextSeq) return;
        fullText = { q: q, hits: null, failed: true };
        apply(false);
      });
    });
  }

  // ----- filtering, sorting and display -----
  // The filters of a view, each a test of a paper's number, and the choice it stands for (part: what an empty view
  // offers to remove, see emptyView). The choice of a facet or of the venue names the list of options whose counts it leaves
  // out (counts): each such list counts the papers that every other filter lets through, as faceted search does, so
  // that "CVPR (3)" is what choosing CVPR would show now. The years, the query and the tags bound every count (a
  // paper must have every ticked tag: a tag's count is of the papers it would leave, among those shown).
  function filters(state, searched) {
    var list = [];
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    if (!isNaN(from) || !isNaN(to)) {
      list.push({ counts: null, part: { kind: "years", from: from, to: to }, test: function (i) {
        return !(data.year[i] < from) && !(data.year[i] > to);  // a bound that is NaN compares false
      } });
    }
    state.tags.forEach(function (tag) {  // a filter each, so that each can be removed on its own
      var member = data.tags[tag] || new Uint8Array(data.count);
      list.push({ counts: null, part: { kind: "tag", value: tag }, test: function (i) { return member[i] === 1; } });
    });
    Object.keys(state.facets).forEach(function (facet) {
      var member = (data.facets[facet] || {})[state.facets[facet]] || new Uint8Array(data.count);
      list.push({ counts: { facet: facet }, part: { kind: "facet", facet: facet, value: state.facets[facet] },
                  test: function (i) { return member[i] === 1; } });
    });
    if (state.venue) {
      var venue = data.venues.indexOf(state.venue);
      list.push({ counts: { venue: true }, part: { kind: "venue", value: state.venue },
                  test: function (i) { return data.venue[i] === venue; } });
    }
    var terms = localTerms(state.q);
    if (terms.length) {  // last: the dearest test, of the papers that the others left in the count
      var hits = searched ? searched.hits : fullText.hits && fullText.q === state.q ? fullText.hits : null;
      list.push({ counts: null, part: { kind: "search", value: state.q }, test: function (i) {
        if (hits && hits[i]) return true;
        if (!texts) return false;
        var text = texts[i];
        if (abstracts && !hits) {  // Pagefind has them if it answers
          text = text + " " + (abstracts[knownKeys[i]] || "") + " \u0001 " + (identifiers[knownKeys[i]] || "");
        }
        return terms.every(function (term) { return term(text); });
      } });
    }
    return list;
  }

  // The tests of a query's terms in a paper's (folded) text, as the page matches them: each word in each spelling,
  // without the quote marks around it (a phrase being typed: '"spectral hash'); a "word" of punctuation alone is none
  // (the search index ignores it): the opening quote of a phrase being typed shows every paper, not "No papers match".
  // A whole query in quotes is a phrase: its words in a row, each in each spelling, with spaces, hyphens or other
  // punctuation between them, as the index is asked for it (search-rules.js).
  // An id pasted as a link or with its prefix is matched as the bare id, and TeX as its symbols, as the index is asked.
  // Words that nearly every paper has are left out of a query of several words, not of a phrase, as the index is asked
  // (contentWords).
  function localTerms(q) {
    var text = fold(l2hSearch.searchedText(q)), phrase = l2hSearch.phraseText(text);
    if (phrase !== null) {
      var words = phrase.split(/[\s\p{Pd}]+/u).map(l2hSearch.queryWord).filter(Boolean);
      if (!words.length) return [];
      var inRow = new RegExp(words.map(function (word) {
        return "(?:" + spellings(word).map(function (form) { return form.replace(/[\\^$.*+?()[\]{}|\/]/g, "\\$&"); })
          .join("|") + ")";
      }).join("[^\\p{L}\\p{N}\u0001]+"), "u");  // between two words, what Pagefind skips: not a field's end
      return [function (text) { return inRow.test(text); }];
    }
    return l2hSearch.contentWords(text.split(/\s+/).map(function (word) { return word.replace(/^"+|"+$/g, ""); })
      .filter(l2hSearch.queryWord)).map(function (word) {
      var forms = spellings(word);
      return function (text) { return forms.some(function (form) { return text.indexOf(form) >= 0; }); };
    });
  }

  // The papers of a view, and the counts of its options: {numbers, venues, facets, tags, any, parts, without}. any
  // counts each list's "Any" option: the papers that the other filters let through, by facet and under "venue".
  // without[p] counts the papers that only filter p keeps out: what removing its choice alone would show.
  // searched: {hits} of a search of state.q other than the reader's (see suggestFromList); else the reader's.
  function selectPapers(state, searched) {
    var parts = filters(state, searched);
    var found = { numbers: [], venues: new Int32Array(data.venues.length), facets: {}, tags: {}, any: { venue: 0 },
                  parts: parts, without: new Int32Array(parts.length) };
    Object.keys(data.facets).forEach(function (facet) { found.facets[facet] = {}; found.any[facet] = 0; });
    for (var i = 0; i < data.count; i++) {
      var misses = 0, missed = -1;
      for (var p = 0; p < parts.length && misses < 2; p++) {
        if (parts[p].test(i)) continue;
        misses++;
        missed = p;
      }
      if (misses === 0) {
        found.numbers.push(i);
        countPaper(found, i, null);
      } else if (misses === 1) {
        found.without[missed]++;
        if (parts[missed].counts) countPaper(found, i, parts[missed].counts);
      }
    }
    return found;
  }

  // Count paper i in the options of every list (only: null), or of the one list whose choice it lacks.
  function countPaper(found, i, only) {
    if (!only) Object.keys(found.any).forEach(function (list) { found.any[list]++; });
    else { var list = only.venue ? "venue" : only.facet; found.any[list] = (found.any[list] || 0) + 1; }
    if ((!only || only.venue) && data.venue[i] >= 0) found.venues[data.venue[i]]++;
    if (!only || only.facet) {
      data.paperFacets[i].forEach(function (pair) {
        if (!only || pair[0] === only.facet) found.facets[pair[0]][pair[1]] = (found.facets[pair[0]][pair[1]] || 0) + 1;
      });
    }
    if (!only) {
      data.paperTags[i].forEach(function (tag) { found.tags[tag.name] = (found.tags[tag.name] || 0) + 1; });
    }
  }

  // Write the counts into the options: their text only, so that nothing is announced and the focus stays. An option
  // that would show no papers now is marked is-empty, which greys it; it stays a choice (a ticked tag or a chosen value
  // must stay easy to undo, and relaxing another filter may be the reader's next step), and its "(0)" is read out.
  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }
  function setCount(node, text, count) {
    setText(node, text + "(" + number(count) + ")");
    node.classList.toggle("is-empty", count === 0);
  }
  function showCounts(found) {
    facetSelects.forEach(function (select) {
      var facet = select.dataset.facet, labels = facetLabels[facet] || {};
      Array.prototype.forEach.call(select.options, function (option) {
        if (option.value) setCount(option, labels[option.value] + " ", found.facets[facet][option.value] || 0);
        else setCount(option, anyLabels[facet] + " ", found.any[facet]);
      });
    });
    Array.prototype.forEach.call(form.elements.venue.options, function (option) {
      var index = data.venues.indexOf(option.value);
      if (option.value) setCount(option, option.value + " ", index >= 0 ? found.venues[index] : 0);
      else setCount(option, anyLabels.venue + " ", found.any.venue);
    });
    tagBoxes.forEach(function (box, k) {
      var count = found.tags[box.value] || 0;
      setText(tagCounts[k], "(" + number(count) + ")");
      box.parentNode.classList.toggle("is-empty", count === 0);
    });
  }

  function fixedWidth(packed) {
    if (packed.numbers) return packed.numbers;
    var out = new Int32Array(data.count);
    for (var i = 0; i < data.count; i++) out[i] = parseInt(packed.digits.substr(i * packed.width, packed.width), 36);
    packed.numbers = out;
    return out;
  }

  // The papers in an order; "best" by their places in hits (see hitsOf), and those matched only in the page after
  // them, newest first.
  function sorted(numbers, sort, hits) {
    if (sort === "year") return Promise.resolve(numbers);
    if (sort === "best") {
      var last = data.count + 1;
      return Promise.resolve(numbers.slice().sort(function (a, b) { return (hits[a] || last) - (hits[b] || last) || a - b; }));
    }
    // Within a year both year orders keep the page's order, the server's (by citation key).
    if (sort === "oldest") {
      return Promise.resolve(numbers.slice().sort(function (a, b) { return data.year[a] - data.year[b] || a - b; }));
    }
    if (!ranks) {
      ranks = getJson("papers/finder-sort.json");
      ranks.catch(function () { ranks = null; });
    }
    return ranks.then(function (file) {
      var r = { title: fixedWidth(file.title), venue: fixedWidth(file.venue) };
      var out = numbers.slice();
      if (sort === "title") out.sort(function (a, b) { return r.title[a] - r.title[b]; });
      else if (sort === "venue") out.sort(function (a, b) { return r.venue[a] - r.venue[b]; });
      return out;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(i, row) {
    var li = element("li", "paper-item");
    li.dataset.key = row[0];
    knownKeys[i] = row[0];
    var link = element("a", "paper-title");
    link.href = siteUrl("publications/" + encodeURIComponent(row[0]) + "/");
    link.innerHTML = row[1];  // the title as sanitised HTML (math as MathML), made by the build
    li.appendChild(link);
    var meta = element("div", "paper-meta");
    meta.appendChild(element("span", "authors", row[2]));
    var venue = data.venue[i] >= 0 ? data.venues[data.venue[i]] + " \u00b7 " : "";
    meta.appendChild(element("span", "venue-year", venue + data.year[i]));
    li.appendChild(meta);
    if (data.paperTags[i].length) {
      var list = element("ul", "tag-list");
      list.setAttribute("aria-label", "Tags");
      data.paperTags[i].forEach(function (tag) {
        var item = element("li");
        var a = element("a", "tag", tag.name);
        a.href = siteUrl("tags/" + tag.slug + "/");
        item.appendChild(a);
        list.appendChild(item);
      });
      li.appendChild(list);
    }
    return li;
  }

  var view = { numbers: [], sort: "year", filtered: false, limit: PAGE, empty: null };

  // A view left for a paper and come back to (Back, or a reload) shows as many papers as it did, where the reader was:
  // the papers are drawn after the browser has restored the page's scroll, against a list one page long. So each view's
  // step of the history keeps its "Show more" clicks and scroll (history.state), and the view drawn from it uses them.
  // The scroll is kept from the top of the list, not of the page: what is above the list may be taller or shorter
  // when the reader comes back (the topic map closed by a reload, the status not yet written).
  // The browser does not restore the scroll itself (history.scrollRestoration "manual", once the finder runs): it
  // restores it again once the page has grown tall enough for it, which may be after the view is drawn and put in
  // its place, and that place is then lost.
  var returning = null;         // {more, below} of the step come back to, until its view is drawn
  var placeTimer = 0;           // a scroll's place is kept once the scrolling stops (see listen)
  function placeOf(state) {
    return state && typeof state.more === "number" && typeof state.below === "number" ? state : null;
  }
  // The state of a step as this page writes it: its place, if it has one, and whether the filters are unfolded.
  function stepState(place) {
    if (!place && !unfolded) return null;
    var state = place ? { more: place.more, below: place.below } : {};
    if (unfolded) state.unfolded = true;
    return state;
  }
  // How far the window's top is below the list's top (the list as the page came, until the finder draws its own).
  function belowList() {
    return -(results.hidden && grouped ? grouped : results).getBoundingClientRect().top;
  }
  // more: the clicks of "Show more" just counted (the step's own otherwise: a scroll may come before a new step's view
  // is drawn, while view.limit is still the last view's).
  function keepPlace(more) {
    if (returning) return;      // not yet drawn: the step keeps the place it had
    var kept = placeOf(history.state);
    history.replaceState(stepState({ more: more === undefined ? (kept ? kept.more : 0) : more, below: belowList() }),
      "", location.href);
  }
  // The step the reader leaves for a view of their own keeps where they were when they left it: a place still waiting
  // for the scrolling to stop would otherwise be lost, or written on the new step.
  function leaveStep() {
    clearTimeout(placeTimer);
    keepPlace();
  }
  var renderSeq = 0;

  function render() {
    var seq = ++renderSeq;
    var shown = view.numbers.slice(0, view.limit);
    return cardsOf(shown).then(function (cards) {
      if (seq !== renderSeq) return;
      var fragment = document.createDocumentFragment();
      if (view.sort === "year") {
        var counts = {};
        view.numbers.forEach(function (i) { counts[data.year[i]] = (counts[data.year[i]] || 0) + 1; });
        var totals = view.filtered ? counts : data.yearTotals;
        var section = null, list = null, year = null;
        shown.forEach(function (i) {
          if (data.year[i] !== year) {
            year = data.year[i];
            section = element("section", "year-group");
            section.setAttribute("aria-labelledby", "y" + year);
            var heading = element("h2", "year-heading", year + " ");
            heading.id = "y" + year;
            heading.appendChild(element("span", "count", number(totals[year])));
            section.appendChild(heading);
            list = element("ul", "paper-list");
            section.appendChild(list);
            fragment.appendChild(section);
          }
          list.appendChild(card(i, cards[i]));
        });
      } else if (view.numbers.length) {
        var flat = element("ol", "paper-list flat");
        flat.setAttribute("aria-label", "Matching papers");
        shown.forEach(function (i) { flat.appendChild(card(i, cards[i])); });
        fragment.appendChild(flat);
      }
      if (view.empty) fragment.appendChild(emptyState(view.empty));
      var refocus = focusResults;
      focusResults = false;
      // A paper's link that has the focus is drawn anew (the search answered after the papers matched here were
      // shown, as after following a suggestion): the focus stays on that paper, rather than going to the page.
      var held = results.contains(document.activeElement) && document.activeElement.matches("a.paper-title")
        ? document.activeElement.getAttribute("href") : null;
      results.textContent = "";
      results.appendChild(fragment);
      results.hidden = false;
      results.classList.remove("is-stale");
      if (grouped) { grouped.remove(); grouped = null; }
      more.hidden = view.numbers.length <= view.limit;
      // A choice removed from the empty view: its button went with it, and the focus goes to the first paper that
      // the removal brought, where the reader was (unless the reader has moved it since).
      if (refocus && (!document.activeElement || document.activeElement === document.body)) {
        var first = results.querySelector("a.paper-title");
        if (first) first.focus();
      } else if (held && (!document.activeElement || document.activeElement === document.body)) {
        var same = Array.prototype.filter.call(results.querySelectorAll("a.paper-title"), function (link) {
          return link.getAttribute("href") === held;
        })[0];
        if (same) same.focus();
      }
      form.dataset.count = String(view.numbers.length);
      if (printNote) {  // on paper, say that the list goes on (a large review prints what is shown)
        printNote.hidden = more.hidden;
        printNote.textContent = "The first " + number(Math.min(view.limit, view.numbers.length)) + " of " +
          number(view.numbers.length) + " papers; the full list is at " + siteUrl("papers/") + " and its pages per year.";
      }
    }, function () {  // the cards did not load; an error in drawing them is not taken for that (a page error)
      if (seq === renderSeq) status.textContent = "The list of papers could not be loaded; reload the page to try again.";
    });
  }

  // What the reader sees when nothing matches: why, what removing one choice alone would show, and a way out.
  function emptyState(empty) {
    var box = element("div", "finder-empty");
    box.appendChild(element("p", "", empty.message));
    if (empty.suggested) box.appendChild(suggestionLine(empty.suggested));
    var loosen = element("div", "finder-loosen");
    if (empty.ways.length) {
      var intro = element("p", "", "To see papers, remove one choice:");
      intro.id = "finder-loosen-intro";
      loosen.appendChild(intro);
      var list = element("ul");
      list.setAttribute("aria-labelledby", intro.id);
      empty.ways.forEach(function (way) {
        var button = element("button", "button secondary small", wayLabel(way.part) + " (" +
                             counted(way.count, "paper") + ")");
        button.type = "button";
        button.addEventListener("click", function () { removeChoice(way.part); });
        list.appendChild(element("li")).appendChild(button);
      });
      loosen.appendChild(list);
    } else if (empty.none) {
      loosen.appendChild(element("p", "", empty.none));
    }
    box.appendChild(loosen);
    var clear = element("button", "button secondary small", "Clear the search and filters");
    clear.type = "button";
    clear.addEventListener("click", function () {
      form.reset();
      query.focus();  // this button goes away with the results it was part of
    });
    var line = element("p");
    line.appendChild(clear);
    box.appendChild(line);
    return box;
  }

  // A query as the status says it: “spectral hashing”, and a phrase in quotes as one, the phrase “product
  // quantization”, not in quotes within quotes (“"product quantization"”).
  function quotedQuery(q) {
    var phrase = l2hSearch.phraseText(q);
    return phrase ? "the phrase \u201c" + phrase + "\u201d" : "\u201c" + q + "\u201d";
  }

  // "Did you mean “…”?": a link to the view it leads to, which can be opened in a tab of its own too.
  function suggestionLine(suggested) {
    var mean = element("p", "finder-suggestion", "Did you mean ");
    var link = element("a", "", "\u201c" + suggested + "\u201d");
    link.href = location.pathname + toSearch(Object.assign(readControls(), { q: suggested })) + location.hash;
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      searchSuggested(suggested);
    });
    mean.appendChild(link);
    mean.appendChild(document.createTextNode("?"));
    return mean;
  }

  // Add a suggestion found later (suggestFromList) to the empty view shown: after its message, as emptyState puts
  // it, without drawing the view again (the focus may be on one of its buttons).
  function showSuggestion(empty, suggested) {
    empty.suggested = suggested;
    empty.text = emptyText(empty);
    var box = results.querySelector(".finder-empty");
    if (box && !box.querySelector(".finder-suggestion")) box.insertBefore(suggestionLine(suggested), box.children[1]);
  }

  // An empty view: {message, said, none, ways, suggested, text}. message says why nothing matches (and, for years
  // before or after every paper, which years the papers are from), said the same without `unavailable`; ways are the
  // choices whose removal alone would show papers, with how many, most first and equal counts in the order of the
  // form; none says that no such choice exists; suggested is the query with its misspelt words corrected, or "" (see
  // suggestedQuery; a large review's comes later: see showSuggestion); text is what the status announces, the
  // suggestion with it (emptyText). The counts are final: an empty view is shown only once the search has answered.
  // unavailable: "" or, when the search failed, the note that says so (see unavailableNote), which begins message (the
  // status has it from apply).
  function emptyView(state, found, unavailable) {
    var message = noMatches(state);
    var span = yearSpan(state);
    if (span) message += " " + span;
    var ways = [];
    found.parts.forEach(function (filter, p) {
      if (found.without[p]) ways.push({ part: filter.part, count: found.without[p], order: formOrder(filter.part) });
    });
    ways.sort(function (a, b) { return b.count - a.count || a.order - b.order; });
    var none = ways.length || found.parts.length < 2 ? "" : (state.q ? "Removing the search or any one filter"
      : "Removing any one filter") + " alone would still show none.";
    var empty = { message: unavailable + message, said: message, none: none, ways: ways,
                  suggested: suggestedQuery(state) };
    empty.text = emptyText(empty);
    return empty;
  }

  // What the status says of an empty view: why, the suggestion, and that removing one choice would not help.
  function emptyText(empty) {
    var text = empty.suggested ? empty.said + " Did you mean \u201c" + empty.suggested + "\u201d?" : empty.said;
    return empty.none ? text + " " + empty.none : text;
  }

  // ----- "Did you mean …?" -----
  // A query that finds no papers because of a misspelt word ("spectral hashign") is offered the query with each
  // word that no paper has replaced by the closest word that papers have: within a Damerau-Levenshtein distance
  // (adjacent letters swapped count one) of 1 for a word of 4 to 7 letters and of 2 for a longer one, the most
  // frequent of the closest, and the first in alphabetical order of those. Words of 3 letters or less are left as
  // they are (too many words are that close to them). The words are those of the texts that words are matched in
  // locally (see loadTexts and loadLocal): a small review's, or any review's once the search index cannot be used,
  // and the suggestion is checked by matching it there. A large review searched through Pagefind holds no such texts:
  // its words are those of papers/finder-words.json (finder.py's word_list: the same texts' words, in lower case, of
  // 4 letters or more, with their counts), fetched the first time a search finds nothing, and the suggestion is
  // searched through Pagefind as a query typed is (see suggestFromList). Without that file, nothing is suggested.
  // Words are compared folded, and a word suggested is shown as the papers write it most: "jégou", not "jegou".
  var SUGGESTED_PAPERS = 20000;  // the papers whose words are read: bounds the work at the largest reviews
  var vocabulary = null;         // {texts, abstracts: what it was made of, byLength: length -> [[word, count, shown]]}

  // Count the words of a text that are written with accents, in lower case as written ("jégou", composed), into
  // accents.forms: Map of the folded word -> Map of each form -> how often; and the words of the ASCII copies that
  // the matched text adds to it ("jegou" for "Jégou": asciiWords, asciiNames), folded, into accents.copies, which no
  // paper writes. "Did you mean …?" shows a word as the papers write it most (shownForm), as the word list of a large
  // review lists it (finder.py's word_list).
  function countAccented(text, copies, accents) {
    if (!/[^\x00-\x7f]/.test(text)) return;
    var words = text.normalize("NFC").toLowerCase().match(/\p{L}+/gu) || [];
    for (var i = 0; i < words.length; i++) {
      var word = words[i], folded = fold(word);
      if (folded === word || folded.length < 4 || !/^\p{L}+$/u.test(folded)) continue;
      var forms = accents.forms.get(folded) || new Map();
      forms.set(word, (forms.get(word) || 0) + 1);
      accents.forms.set(folded, forms);
    }
    (fold(copies).match(/\p{L}+/gu) || []).forEach(function (copy) {
      accents.copies.set(copy, (accents.copies.get(copy) || 0) + 1);
    });
  }

  // How to show a (folded) word that the matched texts hold `count` times: the form with accents that the papers
  // write more often than they write the word without accents (of forms as often, the first in alphabetical order),
  // else as it is. accentsOf: what countAccented counted in those texts.
  function shownForm(word, count, accentsOf) {
    var counts = null, plain = count;
    for (var m = 0; m < accentsOf.length; m++) {
      var forms = accentsOf[m] && accentsOf[m].forms.get(word);
      if (!forms) continue;
      counts = counts || new Map();
      forms.forEach(function (times, form) { counts.set(form, (counts.get(form) || 0) + times); });
      plain -= accentsOf[m].copies.get(word) || 0;
    }
    if (!counts) return word;  // most words: never written with accents
    var best = word, most = 0;
    counts.forEach(function (times, form) {
      plain -= times;
      if (times > most || (times === most && form < best)) { best = form; most = times; }
    });
    return most > plain ? best : word;
  }

  // The words of what is matched locally, by length, with how often each occurs; made once, and again only when
  // the abstracts have come since.
  function suggestionWords() {
    if (!texts) return null;
    if (vocabulary && vocabulary.texts === texts && vocabulary.abstracts === abstracts) return vocabulary;
    var counts = new Map();
    function add(text) {
      var words = text.match(/\p{L}+/gu) || [];
      for (var w = 0; w < words.length; w++) counts.set(words[w], (counts.get(words[w]) || 0) + 1);
    }
    var n = Math.min(texts.length, SUGGESTED_PAPERS);
    for (var i = 0; i < n; i++) {
      add(texts[i]);
      if (abstracts && abstracts[knownKeys[i]]) add(abstracts[knownKeys[i]]);
    }
    var byLength = {}, accentsOf = [textAccents, abstracts ? abstractAccents : null];
    counts.forEach(function (count, word) {
      (byLength[word.length] = byLength[word.length] || []).push([word, count, shownForm(word, count, accentsOf)]);
    });
    vocabulary = { texts: texts, abstracts: abstracts, byLength: byLength, papers: n };
    return vocabulary;
  }

  // The optimal string alignment distance of a and b (Damerau-Levenshtein where no letter is edited twice), or
  // limit + 1 as soon as it is sure to be more than limit.
  function editDistance(a, b, limit) {
    var before = null, last = [], row;
    for (var j = 0; j <= b.length; j++) last.push(j);
    for (var i = 1; i <= a.length; i++) {
      row = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var d = Math.min(last[j] + 1, row[j - 1] + 1, last[j - 1] + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1));
        if (i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        row.push(d);
        if (d < least) least = d;
      }
      if (least > limit) return limit + 1;  // a swap reaches back a row, but never below that row's diagonal
      before = last;
      last = row;
    }
    return last[b.length];
  }

  // Whether some paper has this (folded) word, in any spelling, as the local matching tests it (see filters).
  function isHeld(word, words) {
    var forms = spellings(word);
    for (var i = 0; i < words.papers; i++) {
      var summary = abstracts ? abstracts[knownKeys[i]] || "" : "";
      for (var f = 0; f < forms.length; f++) {
        if (texts[i].indexOf(forms[f]) >= 0 || summary.indexOf(forms[f]) >= 0) return true;
      }
    }
    return false;
  }

  // The closest word of the vocabulary to a (folded) word of 4 letters or more, as it is shown (see shownForm), or "".
  function closestWord(word, words) {
    var limit = word.length > 7 ? 2 : 1;
    var best = "", bestDistance = limit + 1, bestCount = 0, shown = "";
    for (var length = word.length - limit; length <= word.length + limit; length++) {
      (words.byLength[length] || []).forEach(function (entry) {
        var d = editDistance(word, entry[0], limit);
        if (d > limit || d > bestDistance) return;
        if (d < bestDistance || entry[1] > bestCount || (entry[1] === bestCount && entry[0] < best)) {
          best = entry[0];
          bestDistance = d;
          bestCount = entry[1];
          shown = entry[2];
        }
      });
    }
    return shown;
  }

  // The query to suggest for a view that shows no papers: state.q with each misspelt word corrected, if that
  // finds papers with the same filters; else "". Only words of letters alone are corrected: a word with punctuation
  // (a phrase's quote, an identifier) is matched here as typed, punctuation and all (see filters).
  function suggestedQuery(state) {
    var words = state.q ? suggestionWords() : null;
    if (!words) return "";
    var corrected = correctedQuery(state.q, words, function (word) { return isHeld(word, words); });
    if (!corrected) return "";
    var found = selectPapers(Object.assign({}, state, { q: corrected }));
    return found.numbers.length ? corrected : "";
  }

  // A query with each word of 4 letters or more that is not held (held: a test of a folded word) replaced by the
  // closest word of words ({byLength}); "" if no word was replaced.
  function correctedQuery(q, words, held) {
    var changed = false;
    var corrected = q.split(/\s+/).map(function (token) {
      var word = fold(token);
      if (word.length < 4 || !/^\p{L}+$/u.test(word) || held(word)) return token;
      var closest = closestWord(word, words);
      if (!closest) return token;
      changed = true;
      return closest;
    }).join(" ");
    return changed ? corrected : "";
  }

  // Whether an empty view of this query may have a suggestion from the word list: the page holds no texts to find
  // one in, and Pagefind answers searches, which check it.
  function isSuggestedLater(state) {
    return !!state.q && !texts && typeof find === "function" && !fullText.failed;
  }

  var listed = null;             // promise of the word list, {byLength, held: Set of its words, folded}
  function listWords() {
    if (!listed) {
      listed = getJson("papers/finder-words.json").then(function (file) {
        var byLength = {}, held = new Set();
        file.words.forEach(function (group) {
          group[1].split(" ").forEach(function (shown) {  // in lower case, a word with accents as written
            if (!shown) return;
            var word = fold(shown);
            held.add(word);
            (byLength[word.length] = byLength[word.length] || []).push([word, group[0], shown]);
          });
        });
        return { byLength: byLength, held: held };
      });
      listed.catch(function () { listed = null; });  // asked again by the next search that finds nothing
    }
    return listed;
  }

  // Resolve to the query to suggest for a view of a large review that shows no papers, from the word list: state.q
  // with each word that the list lacks (in every spelling) corrected, if Pagefind finds papers for it that the same
  // filters let through; else "" (also if the list or the search fails).
  function suggestFromList(state) {
    return listWords().then(function (words) {
      var corrected = correctedQuery(state.q, words, function (word) {
        return spellings(word).some(function (form) { return words.held.has(form); });
      });
      if (!corrected) return "";
      return find(corrected).then(hitsOf).then(function (hits) {
        var found = selectPapers(Object.assign({}, state, { q: corrected }), { hits: hits });
        return found.numbers.length ? corrected : "";
      });
    }).catch(function () { return ""; });
  }

  // Search for the query suggested, as if the reader had typed it: a step of the history, which Back undoes.
  function searchSuggested(q) {
    query.value = q;
    linkNote = "";
    focusResults = true;
    saveUrl(apply(true), "commit");
  }

  // What a search that failed, or an index that could not be loaded, leaves: the words matched as typed (no stems, but
  // each spelling) in what the page has.
  function unavailableNote() {
    return "Full-text search is not available: words are matched as typed in titles, authors, venues, tags" +
      (abstracts ? " and summaries." : ".");
  }

  function noMatches(state) {
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    if (from > to) return "No papers match: the From year, " + from + ", is after the To year, " + to + ".";
    var filters = state.tags.length || Object.keys(state.facets).length || state.venue || state.from || state.to;
    if (!state.q) return "No papers match these filters.";
    return "No papers match " + quotedQuery(state.q) + (filters ? " with these filters." : ".");
  }

  // "Papers here are from 2008 to 2018.", where the years asked for are all before or all after the papers' years.
  function yearSpan(state) {
    var from = parseInt(state.from, 10), to = parseInt(state.to, 10);
    var years = Object.keys(data.yearTotals).map(Number);
    if (!years.length || from > to) return "";  // the years the wrong way round: noMatches says so
    var first = Math.min.apply(null, years), last = Math.max.apply(null, years);
    if (!(from > last) && !(to < first)) return "";  // a bound that is NaN compares false
    return "Papers here are from " + first + (first === last ? "." : " to " + last + ".");
  }

  // Where a choice is in the form: the search, the facets, the venue, the years, then the tags by name.
  function formOrder(part) {
    var facets = facetSelects.length;
    if (part.kind === "search") return 0;
    if (part.kind === "facet") return 1 + facetSelects.map(function (s) { return s.dataset.facet; }).indexOf(part.facet);
    if (part.kind === "venue") return 1 + facets;
    if (part.kind === "years") return 2 + facets;
    return 3 + facets + tagBoxes.map(function (box) { return box.value; }).indexOf(part.value);
  }

  // What a button of the empty view does, in words: "Remove venue “CVPR”", "Remove the years 2030–2040".
  function wayLabel(part) {
    if (part.kind === "search") return "Remove the search \u201c" + part.value + "\u201d";
    if (part.kind === "tag") return "Remove tag \u201c" + part.value + "\u201d";
    if (part.kind === "venue") return "Remove venue \u201c" + part.value + "\u201d";
    if (part.kind === "facet") {
      var select = facetSelects.filter(function (s) { return s.dataset.facet === part.facet; })[0];
      return "Remove " + facetName(select) + " \u201c" + ((facetLabels[part.facet] || {})[part.value] || part.value) +
        "\u201d";
    }
    if (isNaN(part.to)) return "Remove the years from " + part.from;
    if (isNaN(part.from)) return "Remove the years up to " + part.to;
    if (part.from === part.to) return "Remove the year " + part.from;
    return "Remove the years " + part.from + "\u2013" + part.to;
  }

  // Remove one choice, as the reader would in the form: a step of the history, which Back undoes.
  var focusResults = false;     // the next view drawn takes the focus (see render)
  function removeChoice(part) {
    if (part.kind === "search") query.value = "";
    else if (part.kind === "venue") form.elements.venue.value = "";
    else if (part.kind === "years") fromInput.value = toInput.value = "";
    else if (part.kind === "tag") tagBoxes.forEach(function (box) { if (box.value === part.value) box.checked = false; });
    else facetSelects.forEach(function (s) { if (s.dataset.facet === part.facet) s.value = ""; });
    linkNote = "";  // the reader's own change: a link's note has been read
    focusResults = true;
    saveUrl(apply(true), "commit");
  }

  // The status changes 250 ms after the last change asked for (no count per keystroke), and its busy state
  // with it: a screen reader told that the search is done reads the final count, never one still pending.
  var announceTimer = 0;
  function announce(text, busy) {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      status.textContent = text;
      if (!busy) status.removeAttribute("aria-busy");
    }, 250);
  }

  // The ticked tags, above their box: one may be scrolled out of its view. Each unticks its tag.
  function showTicked(tags) {
    if (!ticked) return;
    ticked.textContent = "";
    tags.forEach(function (tag, k) {
      var chip = element("button", "chip", tag);
      chip.type = "button";
      chip.setAttribute("aria-label", "Untick " + tag);
      chip.appendChild(element("span", "chip-x", " \u00d7")).setAttribute("aria-hidden", "true");
      chip.addEventListener("click", function () {
        var box = tagBoxes.filter(function (b) { return b.value === tag; })[0];
        if (!box) return;
        box.checked = false;
        box.dispatchEvent(new Event("change", { bubbles: true }));  // as if unticked in the box
        var next = ticked.querySelectorAll("button.chip")[Math.min(k, tags.length - 2)];
        (next || box).focus();  // the chip is gone: the next one, or the box it stood for
      });
      ticked.appendChild(chip);
    });
    ticked.hidden = !tags.length;
  }

  var applySeq = 0;
  var moreAsked = 0;  // "Show more" clicks since the order being loaded was asked for: kept in the new list
  function apply(refetch) {
    if (refetch) {
      clearTimeout(fullTextTimer);
      fullTextSeq++;  // an answer to an earlier query is of no use now
      if (fullText.failed) fullText = { q: "", hits: null, failed: false };  // a failed search is asked again
    }
    var state = readControls();
    showTicked(state.tags);
    showOrder(state);
    showFilterCount(state);
    if (refetch) {
      if (state.q && state.q !== fullText.q) {
        loadPagefind();  // during the pause for typing, if the reader has not been in the field before (a link's ?q=)
        fullTextTimer = setTimeout(function () { searchFullText(state.q); }, 150);
      }
    }
    // Until the full-text search answers, the papers shown are those matched locally (if any): the
    // status is busy, so that a screen reader waits for the answer, and "no papers" is not said yet.
    var searching = !!state.q && state.q !== fullText.q;
    if (searching) status.setAttribute("aria-busy", "true");
    // The reader is told where the index could not be loaded or a search of it failed: not where the review has none.
    var unavailable = !!state.q && !searching && (fullText.failed || find === false && indexed) ? unavailableNote() + " " : "";
    var found = selectPapers(state);
    var numbers = found.numbers;
    var filtered = numbers.length !== data.count;
    var seq = ++applySeq;
    moreAsked = 0;
    if (searching && !numbers.length) {
      // Nothing matched here yet (a large review matches words only through the search index): the results
      // of the last view stay, greyed (style.css: is-stale), until the search answers, rather than an empty list and a count of 0.
      results.classList.add("is-stale");
      // An empty view's ways out count the papers of the last query: not to be read, or clicked, for this one.
      Array.prototype.forEach.call(results.querySelectorAll(".finder-loosen"), function (node) { node.hidden = true; });
      announce("Searching for " + quotedQuery(state.q) + "\u2026", true);
      return state;
    }
    showCounts(found);
    // In best-match order once the search has answered; newest first while the papers matched here are shown before.
    var places = state.order === "best" && !searching && !fullText.failed ? fullText.hits : null;
    var order = state.order === "best" && !places ? "year" : state.order;
    sorted(numbers, order, places).then(function (ordered) {
      if (seq !== applySeq) return;
      var empty = numbers.length || searching ? null : emptyView(state, found, unavailable);
      var place = searching ? null : returning;  // the final view of a step come back to (and not left since)
      if (place) {
        returning = null;
        moreAsked = Math.max(moreAsked, place.more);
      }
      view = { numbers: ordered, sort: order, filtered: filtered, limit: PAGE * (1 + moreAsked), empty: empty };
      if (exportLine) exportLine.hidden = !filtered || !numbers.length;  // all of them: the links above the finder
      highlightMap(numbers, filtered);
      // A large review's suggestion comes later, from its word list and the search index: the status stays busy
      // until then, so that a screen reader reads the view once, with the suggestion if there is one.
      var later = empty && !empty.suggested && isSuggestedLater(state) ? suggestFromList(state) : null;
      if (later) status.setAttribute("aria-busy", "true");
      // The query is named when it has words to match (not for a lone quote or "-"), also when every paper matches it,
      // so that a screen reader confirms what was searched for.
      var matching = found.parts.some(function (part) { return part.part.kind === "search"; })
        ? " matching " + quotedQuery(state.q) : "";
      announce(unavailable + (empty ? empty.text : (filtered
        ? "Showing " + number(numbers.length) + " of " + number(data.count) + " papers" + matching + "."
        : "Showing " + (data.count === 1 ? "" : "all ") + counted(data.count, "paper") + matching + ".")) + linkNote,
        searching || !!later);
      var drawn = render();
      // A view of the reader's own keeps its place once drawn, as a scroll would: Back to a view only looked at comes
      // back where it was too.
      drawn.then(function () {
        if (seq !== applySeq) return;
        if (place) window.scrollBy(0, place.below - belowList());
        else keepPlace();
      });
      if (later) {
        Promise.all([later, drawn]).then(function (answers) {
          if (seq !== applySeq || view.empty !== empty) return;  // the reader has moved on
          if (answers[0]) showSuggestion(empty, answers[0]);
          announce(unavailable + empty.text + linkNote, false);
        });
      }
    }, function () {  // the order's data did not load; an error in drawing is not taken for that (a page error)
      if (seq === applySeq) status.textContent = "Sorting is unavailable: its data could not be loaded.";
    });
    return state;
  }

  // Mark the matching papers' points on the topic map and fade the rest; all plain when unfiltered.
  var highlighted = { numbers: [], filtered: false };
  function highlightMap(numbers, filtered) {
    highlighted = { numbers: numbers, filtered: filtered };
    if (!mapDetails) return;
    var points = mapDetails.querySelectorAll("a.map-point[data-i]");
    if (points.length) {
      var match = new Uint8Array(data.count);
      numbers.forEach(function (i) { match[i] = 1; });
      Array.prototype.forEach.call(points, function (point) {
        var hit = filtered && match[+point.dataset.i] === 1;
        point.classList.toggle("is-match", hit);
        point.classList.toggle("is-dimmed", filtered && !hit);
      });
    }
    if (mapCount) mapCount.textContent = filtered ? " \u2014 " + number(numbers.length) + " of " + number(data.count) + " highlighted" : "";
  }

  // ----- the papers found, as a file -----
  // Once the list is narrowed (a search, a filter), the papers it holds, in the order shown, can be downloaded as
  // BibTeX or CSL-JSON: their entries of the review's whole files (papers.bib, papers.json, fetched on the first
  // download), found by the papers' keys (their cards).
  var exportLine = document.getElementById("finder-export");
  var EXPORTS = {
    bib: { path: "papers.bib", name: "papers-selected.bib", type: "application/x-bibtex", pick: bibEntries },
    csl: { path: "papers.json", name: "papers-selected.json", type: "application/vnd.citationstyles.csl+json",
           pick: cslItems }
  };
  var wholeFiles = {};          // path -> promise of the file's text
  function wholeFile(path) {
    if (!wholeFiles[path]) {
      wholeFiles[path] = fetched(path).then(function (response) { return response.text(); });
      wholeFiles[path].catch(function () { delete wholeFiles[path]; });  // the next download asks again
    }
    return wholeFiles[path];
  }
  // Each entry of papers.bib starts a line, "@type{key,"; its fields are indented.
  function bibEntries(text, keys) {
    var byKey = {};
    text.split(/\n(?=@[A-Za-z]+\{)/).forEach(function (entry) {
      var head = /^@[A-Za-z]+\{([^,\s]+),/.exec(entry);
      if (head) byKey[head[1]] = entry.replace(/\s+$/, "");
    });
    return keys.map(function (key) { return byKey[key]; }).filter(Boolean).join("\n\n") + "\n";
  }
  function cslItems(text, keys) {
    var byId = {};
    JSON.parse(text).forEach(function (item) { byId[item.id] = item; });
    return JSON.stringify(keys.map(function (key) { return byId[key]; }).filter(Boolean), null, 2) + "\n";
  }
  function download(kind) {
    var format = EXPORTS[kind], numbers = view.numbers.slice();
    return Promise.all([cardsOf(numbers), wholeFile(format.path)]).then(function (got) {
      var keys = numbers.map(function (i) { return got[0][i][0]; });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([format.pick(got[1], keys)], { type: format.type }));
      link.download = format.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    });
  }

  // ----- events -----
  function listen() {
    // The note on a link's unknown values goes with the first change the reader makes.
    ["input", "change", "reset"].forEach(function (type) {
      form.addEventListener(type, function () { linkNote = ""; }, true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      saveUrl(apply(true), "commit");
    });
    if (exportLine) {
      Array.prototype.forEach.call(exportLine.querySelectorAll("button[data-export]"), function (button) {
        button.addEventListener("click", function () {
          download(button.dataset.export).catch(function () {
            announce("The download failed: the review\u2019s " + EXPORTS[button.dataset.export].path +
                     " could not be loaded.", false);
          });
        });
      });
    }
    // Enter commits a query or a year (the form has several fields and no submit button, so it is not
    // submitted) and asks for the results: they are brought into view if they are below the fold. The
    // focus stays in the field, and typing on scrolls it back into view.
    [query, fromInput, toInput].forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter" || event.isComposing) return;
        saveUrl(readControls(), "commit");
        var top = results.hidden ? null : results.getBoundingClientRect().top;
        if (top !== null && top > window.innerHeight * 0.75) results.scrollIntoView({ block: "start" });
      });
    });
    query.addEventListener("input", function () { saveUrl(apply(true), "typing"); });
    query.addEventListener("change", function () { saveUrl(readControls(), "commit"); });
    // A list changes at each arrow key pressed on it (Chromium on Linux and Windows), and jumps at each letter: the
    // view and its URL follow each option in the step shown, and the option the reader leaves the list on becomes one
    // step when they leave it (none if it is the one they started from), not each option passed on the way.
    var keyed = null;             // the control the reader's last key went to, unless they have pointed since
    var browsed = null;           // {url, state} of the step shown before a list was changed from the keyboard
    form.addEventListener("keydown", function (event) { keyed = event.target; });
    form.addEventListener("pointerdown", function () { keyed = null; });
    form.addEventListener("focusout", function () {
      if (!browsed) return;
      var target = location.href, from = browsed;
      browsed = null;
      history.replaceState(stepState(placeOf(from.state)), "", from.url);
      if (target !== from.url) history.pushState(stepState(null), "", target);
    });
    form.addEventListener("change", function (event) {
      if (event.target === query) return;
      if (event.target === sortSelect) {  // the default order chosen is no choice: it follows the query
        chosenSort = sortSelect.value === defaultOrder(query.value.trim()) ? "" : sortSelect.value;
      }
      if (event.target === keyed && event.target.tagName === "SELECT") {
        if (!browsed) {
          leaveStep();
          browsed = { url: location.href, state: history.state };
        }
        returning = null;  // the reader's own change, as in saveUrl
        saveUrl(apply(true), "replace");
      } else {
        saveUrl(apply(true), "commit");
      }
    });
    [fromInput, toInput].forEach(function (input) {
      input.addEventListener("input", function () {
        // "2", "20", "201" on the way to 2010 emptied the list at each key: a year is applied once it has four
        // digits, or is cleared (the change event applies what is left when the reader leaves the box)
        if (input.value === "" || /^\d{4,}$/.test(input.value)) saveUrl(apply(true), "typing");
      });
    });
    form.addEventListener("reset", function () {
      chosenSort = "";
      setTimeout(function () { fullText = { q: "", hits: null, failed: false }; saveUrl(apply(true), "commit"); }, 0);
    });
    window.addEventListener("popstate", function () {
      typing = browsed = null;
      clearTimeout(placeTimer);   // the place of the step left, not of this one
      returning = placeOf(history.state);
      if (filtersBox) keepFold();
      noteUnknown(writeControls(new URLSearchParams(location.search)));
      saved = apply(true);
    });
    // The link past the tag boxes takes the focus to the results (tabindex -1), as the browser would for an anchor
    // with no script, but without a step in the history: Back is for views, not for places on the page.
    var skipTags = document.getElementById("f-skip-tags");
    if (skipTags) {
      skipTags.addEventListener("click", function (event) {
        if (results.hidden) return;
        event.preventDefault();
        results.focus();
      });
    }
    var moreButton = more.querySelector("button");
    moreButton.addEventListener("click", function () {
      var first = view.limit;  // the first paper this click adds
      view.limit += PAGE;
      moreAsked++;
      render().then(function () {
        keepPlace(Math.round(view.limit / PAGE) - 1);
        // The last click hides the button it was pressed on: the focus goes to the first paper it added,
        // not back to the top of the page.
        if (!more.hidden || (document.activeElement !== moreButton && document.activeElement !== document.body)) return;
        var added = results.querySelectorAll("li.paper-item")[first];
        var link = added && added.querySelector("a.paper-title");
        if (link) link.focus();
      });
    });
    if (mapDetails && window.l2hMap) {
      mapDetails.addEventListener("toggle", function () {
        if (!mapDetails.open) return;
        window.l2hMap.load(mapDetails.querySelector("figure.topic-map")).then(function () {
          // The same papers are in the list: a tab stop per dot would only be in the way.
          Array.prototype.forEach.call(mapDetails.querySelectorAll("a.map-point"), function (point) {
            point.setAttribute("tabindex", "-1");
          });
          highlightMap(highlighted.numbers, highlighted.filtered);
        }).catch(function () { /* the link to the map file stays */ });
      });
    }
    // On paper, every result of a small review (all its cards are here already, so they are drawn before the
    // page is laid out for printing); a large review prints the results shown.
    window.addEventListener("beforeprint", function () {
      if (texts && view.limit < view.numbers.length) {
        view.limit = view.numbers.length;
        render();
      }
    });
    window.addEventListener("scroll", function () {
      clearTimeout(placeTimer);
      placeTimer = setTimeout(function () { keepPlace(); }, 150);
    }, { passive: true });
    results.addEventListener("click", leaveStep);  // a paper followed at once
    // Warm up the search index while the reader looks at the page.
    query.addEventListener("focus", function () { loadPagefind(); }, { once: true });
  }

  getJson("papers/finder.json").then(function (raw) {
    data = decode(raw);
    // A small review's cards are one file: match words in titles and authors locally too.
    return data.count <= data.cardSize ? loadTexts() : null;
  }).then(function () {
    noteUnknown(writeControls(new URLSearchParams(location.search), true));
    returning = placeOf(history.state);
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    form.hidden = false;
    var mapNote = document.getElementById("finder-map-note");  // what the map does with the filters shown here
    if (mapNote) mapNote.hidden = false;
    listen();
    saveUrl(apply(true), "replace");  // the URL of what is shown: without what was unknown or ignored
  }).catch(function () {
    form.parentNode.insertBefore(status, form.nextSibling);  // the form stays hidden
    status.textContent = "Search and filters are unavailable: their data could not be loaded. Every paper is listed below by year.";
  });
})();

// The finder's search rules, shared by the all-papers page (papers.js) and the finder's worker (search-worker.js):
// how a query's words are folded and spelt, and how its papers are found with Pagefind. Loaded as a classic script,
// in the page or in a worker alike; it defines self.l2hSearch and touches nothing else.
(function (scope) {
  "use strict";
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  // Other spellings of a (folded) word, British and American: -ise/-ize, -isation/-ization, -yse/-yze,
  // -our/-or, -tre/-ter and -ence/-ense, also while the ending is being typed ("quantisa"), and -ogue/-og,
  // -elled/-eled and a few whole words (grey/gray). The taxonomy and
  // most summaries are in British spelling and most titles in American, so a search looks for both.
  // -ise and -our are listed roots or need a stem of three letters, so that "four" stays "four"; an
  // alternative that is no word ("precize") only costs a search that finds nothing.
  var IZE_TAILS = ["e", "es", "ed", "ing", "er", "ers", "ation", "ations", "able"];
  var YZE_TAILS = ["e", "es", "ed", "ing", "er", "ers"];
  var OUR_ROOTS = ["armo", "behavio", "colo", "endeavo", "favo", "flavo", "harbo", "hono", "humo", "labo", "neighbo",
                   "odo", "rigo", "rumo", "savo", "tumo", "vapo", "vigo"];
  var TRE_ROOTS = ["calib", "cent", "fib", "lust", "meag", "met", "sab", "somb", "spect", "theat"];
  var TRE_ENDINGS = { re: "er", res: "ers", red: "ered", ring: "ering", er: "re", ers: "res", ered: "red", ering: "ring" };
  var ENSE_ROOTS = ["defen", "licen", "offen", "preten"];
  var ENSE_ENDINGS = { ce: "se", ces: "ses", se: "ce", ses: "ces" };
  var OGUE_ROOTS = ["analog", "catalog", "dialog", "epilog", "monolog"];  // "analogy" and "catalogs" stay
  var OGUE_ENDINGS = { ue: "", ues: "s", ued: "ed", uing: "ing", "": "ue", s: "ues", ed: "ued", ing: "uing" };
  // -elled/-eled, -alled/-aled ("modelled", "labelled", "signalled") after a stem of three letters or more;
  // the other spelling of "spelled" ("speled") finds nothing.
  var DOUBLE_L = /^(.{2,}[ae])(ll?)(ed|ing|ings|er|ers)$/;
  // Whole words that no ending tells apart, both ways, and only once typed in full.
  // Kept by hand: breame's and american-british-english-translator's 1,738 words lack quantisation, add filter/philtre.
  var WORD_PAIRS = { grey: "gray", greys: "grays", greyscale: "grayscale", artefact: "artifact",
                     artefacts: "artifacts", ageing: "aging", judgement: "judgment", judgements: "judgments",
                     programme: "program", programmes: "programs", sceptical: "skeptical" };
  Object.keys(WORD_PAIRS).forEach(function (word) { WORD_PAIRS[WORD_PAIRS[word]] = word; });
  function startsAny(list, text) {
    return list.some(function (item) { return item.lastIndexOf(text, 0) === 0; });
  }
  function spellings(word) {
    var out = [word];
    function add(other) { if (out.indexOf(other) < 0) out.push(other); }
    for (var i = 3; i < word.length - 1; i++) {
      var letter = word.charAt(i), next = word.charAt(i + 1), tail = word.slice(i + 2);
      if ((next === "s" || next === "z") && ((letter === "i" && startsAny(IZE_TAILS, tail)) ||
                                             (letter === "y" && word.charAt(i - 1) === "l" && startsAny(YZE_TAILS, tail)))) {
        add(word.slice(0, i + 1) + (next === "s" ? "z" : "s") + tail);
      }
    }
    OUR_ROOTS.forEach(function (root) {
      if (word.lastIndexOf(root, 0) !== 0) return;
      var rest = word.slice(root.length);
      if (rest === "u" || rest.lastIndexOf("ur", 0) === 0) add(root + rest.slice(1));
      else if (rest.charAt(0) === "r") add(root + "u" + rest);
    });
    TRE_ROOTS.forEach(function (root) {
      var rest = word.slice(root.length);
      if (word.lastIndexOf(root, 0) === 0 && TRE_ENDINGS.hasOwnProperty(rest)) add(root + TRE_ENDINGS[rest]);
    });
    ENSE_ROOTS.forEach(function (root) {
      var rest = word.slice(root.length);
      if (word.lastIndexOf(root, 0) === 0 && ENSE_ENDINGS.hasOwnProperty(rest)) add(root + ENSE_ENDINGS[rest]);
    });
    OGUE_ROOTS.forEach(function (root) {
      var rest = word.slice(root.length);
      if (word.lastIndexOf(root, 0) === 0 && OGUE_ENDINGS.hasOwnProperty(rest)) add(root + OGUE_ENDINGS[rest]);
    });
    var double = DOUBLE_L.exec(word);
    if (double) add(double[1] + (double[2] === "l" ? "ll" : "l") + double[3]);
    if (Object.prototype.hasOwnProperty.call(WORD_PAIRS, word)) add(WORD_PAIRS[word]);
    return out;
  }

  // Names (authors') in the ASCII that readers type for them, as paper.html gives them to the search index: German
  // and Scandinavian letters as they are transliterated ("aumueller" for "Aumüller", "aasa" for "Åsa", "soeren" for
  // "Søren"), and the letters that have no accent to fold away as their plain letters ("soren", "weiss"); "" for a
  // text in ASCII. Lower case, to be folded with the rest.
  var GERMAN = { "\u00e4": "ae", "\u00f6": "oe", "\u00fc": "ue", "\u00e5": "aa", "\u00f8": "oe", "\u00df": "ss",
                 "\u00e6": "ae", "\u0153": "oe" };
  var PLAIN = { "\u00f8": "o", "\u00df": "ss", "\u00e6": "ae", "\u0153": "oe", "\u0142": "l", "\u0111": "d",
                "\u00f0": "d", "\u00fe": "th" };
  function asciiNames(text) {
    if (!/[^\x00-\x7f]/.test(text)) return "";
    var names = String(text).normalize("NFC").toLowerCase();
    function spell(table) {
      return names.replace(/[^\x00-\x7f]/g, function (letter) { return table[letter] || letter; });
    }
    return spell(GERMAN) + " " + spell(PLAIN);
  }

  // The words of a title or summary that readers type in other letters, in those spellings, as paper.html gives them
  // to the search index (textutil.ascii_words): "aumueller" for "Aumüller", "soeren soren" for "Søren", each once and
  // only where it is not the word itself; "" for none.
  function asciiWords(text) {
    if (!/[^\x00-\x7f]/.test(text)) return "";
    var spellings = [];
    (String(text).normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || []).forEach(function (word) {
      if (!/[^\x00-\x7f]/.test(word)) return;
      [GERMAN, PLAIN].forEach(function (table) {
        var spelling = word.replace(/[^\x00-\x7f]/g, function (letter) { return table[letter] || letter; });
        if (spelling !== word && spellings.indexOf(spelling) < 0) spellings.push(spelling);
      });
    });
    return spellings.join(" ");
  }

  // A word of a query as Pagefind reads it: folded, without punctuation (but "+" and the like stay).
  var PUNCTUATION = /[\p{Pd}\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]/gu;
  function queryWord(word) { return fold(word).replace(PUNCTUATION, ""); }

  // Words that nearly every summary has, left out of a search of several words (not of a phrase in quotes): each
  // word is a search of its own, and one that every page matches is the dearest (at 20,000 papers "reduce the
  // quantisation error" was answered 2.9 s after the last key, 0.5 s without "the"), for no paper that it keeps
  // out. A query of such words alone is searched as typed.
  var STOP_WORDS = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its",
                    "of", "on", "or", "the", "to", "via", "with"];
  function contentWords(words) {
    var kept = words.filter(function (word) { return STOP_WORDS.indexOf(queryWord(word)) < 0; });
    return kept.length ? kept : words;
  }

  // A DOI or arXiv id as readers paste it, a link or with its prefix ("https://doi.org/10.1/x", "doi:10.1/x",
  // "https://arxiv.org/abs/2304.04759v2", "arXiv:2304.04759", "arXiv 2304.04759"), made the bare id that a paper's
  // page shows (and Pagefind indexes without its label, so that "arxiv" alone finds what it did): with its prefix
  // glued on, it is one word that no page has.
  // An arXiv id, new style (2304.04759) or old (hep-th/9901001, math.GT/0309136), as parse.py accepts them.
  var ARXIV_ID = "\\b(?:\\d{4}\\.\\d{4,5}|[a-z-]+(?:\\.[a-z]{2})?/\\d{7})";
  function bareIdentifiers(q) {
    return q.replace(/(?:https?:\/\/)?(?:dx\.)?doi\.org\/|\bdoi:?\s*(?=10\.)/gi, "")
      .replace(new RegExp("(?:https?://)?(?:www\\.|export\\.)?arxiv\\.org/(?:abs|pdf)/|\\barxiv:?\\s*(?=" + ARXIV_ID + ")", "gi"), "")
      .replace(new RegExp("(" + ARXIV_ID + ")(?:v\\d+)?(?:\\.pdf)?(?![\\w.])", "gi"), "$1");
  }

  // A formula's symbols typed as TeX ("\ell_2", "\alpha^{2}") made what a page shows and the index has: the formulas
  // are MathML (latex2mathml), whose text is "ℓ2" and "α2". Only the commands below, whose symbols
  // latex2mathml writes so; their subscripts and superscripts follow without "_", "^" and braces. ("l2" does not
  // find "ℓ2": the index has only the symbol.)
  var TEX = { ell: "\u2113", alpha: "\u03b1", beta: "\u03b2", gamma: "\u03b3", delta: "\u03b4", epsilon: "\u03f5",
              varepsilon: "\u03b5", lambda: "\u03bb", mu: "\u03bc", pi: "\u03c0", sigma: "\u03c3", theta: "\u03b8",
              tau: "\u03c4", phi: "\u03d5", chi: "\u03c7", psi: "\u03c8", omega: "\u03c9", infty: "\u221e" };
  function texSymbols(q) {
    return q.replace(/\\([a-z]+)((?:[_^](?:\{[^{}\s]*\}|[^\s\\{}]))*)/gi, function (all, name, scripts) {
      return Object.prototype.hasOwnProperty.call(TEX, name) ? TEX[name] + scripts.replace(/[_^{}]/g, "") : all;
    });
  }

  // A query as it is searched for: its ids bare, its TeX symbols as they are shown.
  function searchedText(q) { return texSymbols(bareIdentifiers(q)); }

  // The words of a query that is a phrase in quotes as a whole ('"spectral hashing"' gives "spectral hashing"), to be
  // found in a row; else null. The full-text search, the page's own matching and the status all ask this.
  function phraseText(q) {
    var phrase = /^\s*"(.+)"\s*$/.exec(q);
    return phrase ? phrase[1].trim() : null;
  }

  // Where a Pagefind result's page is: the key of the paper, from the address of its page.
  function keyOfUrl(url) {
    var match = /publications\/([^\/?#]+)\/?(?:index\.html)?(?:[?#].*)?$/.exec(url || "");
    return match ? decodeURIComponent(match[1]) : null;
  }

  // Load the review's Pagefind index to search it in this thread: its module with every bundle merged, and each
  // paper's Pagefind id (papers/finder-search.json) for its `count` papers, so that every hit maps to its paper
  // without a request. root: the address of the review's home. Resolves to find(q), which resolves to the papers that
  // query q finds, best match first (see bestFirst), {numbers: an Int32Array of their paper numbers, keys: the keys of
  // the papers whose hits the ids file does not know}, each in that order; rejects if Pagefind or its stemmer cannot be
  // loaded.
  function open(root, count) {
    function url(path) { return new URL(path, root).href; }
    var searchIds = {};           // Pagefind page id -> paper number
    var bundles = [];             // folders of the search bundles after the first
    var ids = fetch(url("papers/finder-search.json")).then(function (response) {
      if (!response.ok) throw new Error("papers/finder-search.json: " + response.status);
      return response.json();
    }).then(function (file) {
      bundles = file.bundles || [];
      if (file.list) {
        file.list.forEach(function (id, i) { if (id) searchIds[id] = i; });
      } else {
        for (var i = 0; i < count; i++) searchIds[file.prefix + file.digits.substr(i * file.width, file.width)] = i;
      }
    }).catch(function () { /* each hit is then looked up through its fragment */ });
    var pagefind = null, stem = null;
    return import(url("pagefind/pagefind.js")).then(function (module) {
      pagefind = module;
      // In this thread, not in Pagefind's worker (1.5): the finder wants only which pages are hit and where, and
      // Pagefind's worker sends every hit across, and then, as each is collected here, a message to release it,
      // which the worker answers (82,000 of them during one search at 5,000 papers, for the hits of the searches
      // before it: seconds of both threads' time). The finder's own worker runs this thread (search-worker.js).
      // There Pagefind finds no <html lang>, and takes the language of most pages, the only one of a review.
      // Pagefind's stemmer (vendor/porter2.js) is loaded with Pagefind, so only by a reader who searches.
      var stemmer = import(url("static/vendor/porter2.js")).then(function (porter2) { stem = porter2.stem; });
      return Promise.all([module.options ? module.options({ excerptLength: 0, noWorker: true }) : null, ids, stemmer]);
    }).then(function () {
      // A large review's index is split into bundles (pagefind-1/, ...): search them all as one.
      return Promise.all(bundles.map(function (folder) { return pagefind.mergeIndex(url(folder)); }));
    }).then(function () {
      var fullTextResults = rules(pagefind, searchIds, stem);
      return function find(q) {
        return fullTextResults(q).then(function (found) {
          var numbers = [], unknown = [];
          bestFirst(found, searchIds).forEach(function (r) {
            if (Object.prototype.hasOwnProperty.call(searchIds, r.id)) numbers.push(searchIds[r.id]);
            else if (r.page) unknown.push(r.page);
          });
          return Promise.all(unknown.slice(0, 200).map(function (r) { return r.data(); })).then(function (pages) {
            var keys = [];
            pages.forEach(function (page) {
              var key = keyOfUrl(page.url);
              if (key && keys.indexOf(key) < 0) keys.push(key);
            });
            return { numbers: Int32Array.from(numbers), keys: keys };
          });
        });
      };
    });
  }

  // The hits of a query, best match first: those that have more of the query's words themselves, not only longer words
  // that start with them ("Li" the surname, not "Limitations": see markWhole in rules), first; among them, those whose
  // title starts with the words of the query close together and in its order (see near in rules: a phrase, or nearly),
  // then those whose title has them so further on, then those that have them so elsewhere, then those that have them
  // apart; each by score, and equal scores by paper number
  // (the page's order, newest first), then by Pagefind id, so that the order never depends on which word or bundle
  // answered first. (Pagefind's scores of pages that have the words in their titles differ by little: "product
  // quantization" found "Quantization based Fast Inner Product Search" first, and "Product Quantization for Nearest
  // Neighbor Search" tenth.)
  function bestFirst(hits, searchIds) {
    function number(r) {
      return Object.prototype.hasOwnProperty.call(searchIds, r.id) ? searchIds[r.id] : Infinity;
    }
    function close(r) {
      if (r.title && r.title.length) return r.leads ? 3 : 2;
      return r.words && r.words.length ? 1 : 0;
    }
    return hits.slice().sort(function (a, b) {
      return b.whole - a.whole || close(b) - close(a) || b.score - a.score || number(a) - number(b) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }

  // The rules below, over one Pagefind module, the ids of the review's pages and Pagefind's stemmer (a word's stem as
  // Pagefind stems it): returns fullTextResults.
  function rules(pagefind, searchIds, stem) {
    // Which papers have the words of a query. Pagefind (1.x, find_word_extensions in pagefind_web's
    // search.rs) matches a word with every indexed word that starts with it, and when there is none, with
    // the longest indexed word that the query word starts with: "blockchain" finds "block", "zebra" and
    // "zzzxqy" the initial of "Andrei Z. Broder", "c++" the initial "C.". A word that matches nothing at all
    // is left out of a query of several words ("spectral wavelet" finds what "spectral" finds). Neither can
    // be turned off, and Pagefind's answers do not say which word matched. So the finder searches each word
    // on its own, keeps only the papers that every word matched, and drops a word's hits that came from that
    // fallback, except where the rest of the word is the start of an ending that Pagefind's stemmer cuts
    // off the indexed words: "quantizati" falls back to "quantiz", the stem of "quantization", and search as
    // you type should go on finding those papers (a whole ending the stemmer itself judges: see
    // withFallbacks). Hits are told apart by what Pagefind itself answers (see wordResults), so no fragment
    // is loaded; a whole query in quotes is a phrase, which Pagefind matches exactly and never by that
    // fallback.
    var PROBE = "~";          // Pagefind keeps it in a query, and no indexed word contains it
    // (Pagefind's stemmer, Snowball's English one, also cuts endings of endings: "redund|ancy",
    // "improv|ement", "convolut|ional", "iter|atively".)
    var ENDINGS = ["s", "es", "ies", "ied", "ed", "edly", "e", "er", "ers", "y", "ly", "ely", "ing", "ings", "ingly", "ion",
                   "ions", "ional", "ionally", "ioning", "ioned", "ation", "ations", "ational", "ication", "ications",
                   "ization", "izations", "isation", "isations", "ize", "izes", "ized", "izing", "izer", "izers", "ise",
                   "ises", "ised", "ising", "iser", "isers", "ity", "ities", "ive", "ives", "ively", "ivity", "ivities",
                   "iveness", "al", "als", "ally", "ality", "ance", "ances", "ancy", "ancies", "ence", "ences", "ency",
                   "encies", "ent", "ents", "ently", "ant", "ants", "ement", "ements", "ment", "ments", "ness", "ful",
                   "fully", "ic", "ics", "ical", "ically", "ous", "ously", "ousness", "eous", "able", "ably", "ability",
                   "ible", "ibility", "ism", "isms", "ist", "ists", "ate", "ates", "ated", "ating", "ately", "ative",
                   "atives", "atively", "ator", "ators"];
    var LONGEST_ENDING = 8;   // "izations" (one more letter after a doubled consonant)
    var SHORTEST_STEM = 3;    // "zen" does not fall back to "z"

    // The hits of a query text, each {id, at: its locations, page: Pagefind's result where the ids file does not know
    // the page (see open)}. The rules below ask some texts several times, and the next word typed asks some of the
    // same again: each text is asked of Pagefind once (a common word costs it a tenth of a second or more at 20,000
    // papers, as it scores and sorts every hit), since the index cannot change under the page. The answers to keep
    // are bounded by their hits, the least recently asked forgotten first; a failed query is asked again.
    var ANSWERS_KEPT = 200000;    // hits: a dozen answers for a word of most papers at 20,000
    var answers = new Map();      // query text -> {hits: promise, count}, the least recently asked first
    var answersHeld = 0;          // hits held in answers
    // Pagefind is asked one text at a time, the most recently asked first (a text asked again goes first again), each
    // in a task of its own. While the reader types on, the texts of the words typed before wait, and the newest
    // word's run at once: in the page's thread (without the worker) Pagefind's work held the keys back, and with them
    // most searches for the words typed on the way; in the worker nothing does, and every word typed after a pause
    // is searched. The texts that wait are asked once the worker is idle, and their answers kept. Each text's index
    // chunks are fetched as it is asked (pagefind.preload): one that waits costs no round trip when its turn comes.
    var waiting = [];             // the starts of the texts not yet asked of Pagefind, the most recently asked last
    var asking = false;           // a text is being asked of Pagefind
    function askNext() {
      if (asking || !waiting.length) return;
      asking = true;
      setTimeout(function () { waiting.pop()(); }, 0);  // chosen then: after the texts that the last answer led to
    }
    function searchPagefind(text) {
      var known = answers.get(text);
      if (known) {
        answers.delete(text);
        answers.set(text, known);
        var at = waiting.indexOf(known.start);
        if (at >= 0) waiting.push(waiting.splice(at, 1)[0]);
        return known.hits;
      }
      var answer = { hits: null, count: 0, start: null };
      answer.hits = new Promise(function (resolve) {
        answer.start = resolve;
        waiting.push(resolve);
        if (pagefind.preload) pagefind.preload(text).catch(function () { /* the search itself will say */ });
        askNext();
      }).then(function () {
        return pagefind.search(text);
      }).then(function (search) {
        var hits = (search && search.results ? search.results : []).map(function (r) {
          var title = inTitle(r);
          return { id: r.id, at: r.words.join(","), score: r.score || 0, words: r.words, title: title,
                   leads: title[0] === 0, page: Object.prototype.hasOwnProperty.call(searchIds, r.id) ? null : r };
        });
        if (answers.get(text) === answer) {
          answer.count = hits.length;
          answersHeld += hits.length;
          forgetAnswers();
        }
        return hits;
      });
      answer.hits.catch(function () { if (answers.get(text) === answer) answers.delete(text); });
      answer.hits.then(asked, asked);
      answers.set(text, answer);
      return answer.hits;
    }
    function asked() {
      asking = false;
      askNext();
    }
    function forgetAnswers() {
      var texts = answers.keys();
      for (var text = texts.next(); answersHeld > ANSWERS_KEPT && !text.done; text = texts.next()) {
        answersHeld -= answers.get(text.value).count;
        answers.delete(text.value);
      }
    }
    function locations(hit) { return hit.at; }
    // Each hit's score is Pagefind's for its page (higher: a better match), which orders the papers found (see open).
    // A page found by several forms of a word (spellings, stems, a phrase hyphenated or not) keeps its best score;
    // a page that has every word of a query adds up its words' scores. Both make new hits: an answer's are kept and
    // shared (searchPagefind).
    // Each hit also has `words`, the locations (word numbers in the page) of what it matched: of any of a word's
    // forms, and for the words of a query, where the last of them stands close after the one before, and so on
    // (see near): a page that has them so, a phrase or nearly, comes first (bestFirst).
    // And `title`: the same in the paper's title alone (see inTitle); a title that starts with the (first) word has
    // it at 0.
    function union(lists) {
      var seen = {}, out = [];
      lists.forEach(function (list) {
        list.forEach(function (r) {
          var had = seen[r.id];
          if (!had) {
            out.push(seen[r.id] = { id: r.id, at: r.at, score: r.score, words: r.words, title: r.title, page: r.page,
                                    leads: r.leads, whole: r.whole || 0 });
            return;
          }
          if (r.score > had.score) had.score = r.score;
          if (r.whole > had.whole) had.whole = r.whole;
          had.leads = had.leads || r.leads;
          had.words = had.words.concat(r.words);
          had.title = had.title.concat(r.title);
        });
      });
      return out;
    }
    // Where a hit matched in its page's title: Pagefind says whether the title matched (matchedMetaFields, in 1.5),
    // and the title is the first text indexed of a paper's page (its h1), so the first location matched is the
    // title's. None where the title did not match, or Pagefind does not say.
    function inTitle(r) {
      if (!r.words.length || (r.matchedMetaFields || []).indexOf("title") < 0) return [];
      var first = r.words[0];
      r.words.forEach(function (at) { if (at < first) first = at; });
      return [first];
    }
    function intersection(lists) {
      return lists.slice(1).reduce(function (kept, list) {
        var next = {};
        list.forEach(function (r) { next[r.id] = r; });
        return kept.filter(function (r) { return Object.prototype.hasOwnProperty.call(next, r.id); }).map(function (r) {
          return { id: r.id, at: r.at, score: r.score + next[r.id].score, words: near(r.words, next[r.id].words),
                   title: near(r.title, next[r.id].title), page: r.page, leads: r.leads,
                   whole: r.whole + next[r.id].whole };
        });
      }, lists[0] || []);
    }
    // The locations of `after` that follow one of `before` closely: next to it, or with a word or two between them
    // (the words a query leaves out, "hashing for retrieval", or a page puts in, "product and additive quantization"),
    // or at the same location: Pagefind indexes a hyphenated word's parts at the location of the whole
    // ("Locality-Sensitive Hashing" has "locality" and "sensitive" at 0, "hashing" at 1), so that "locality sensitive
    // hashing" typed without the hyphen put the titles that start with "Locality-Sensitive Hashing" after those that
    // have it further on.
    var NEAR = 3;
    function near(before, after) {
      return after.filter(function (at) {
        return before.some(function (from) { return at >= from && at - from <= NEAR; });
      });
    }

    // Whether the rest of a word after its first `length` letters is (the start of) an ending that Pagefind's
    // stemmer cuts off, also after a doubled consonant ("model|ling" is "model" + "ing").
    function isEndingAt(word, length) {
      return endingAt(word, length, startsAny);
    }
    function isWholeEndingAt(word, length) {
      return endingAt(word, length, function (list, rest) { return list.indexOf(rest) >= 0; });
    }
    // Whether the word cut to `length` letters or fewer (down to SHORTEST_STEM, and to LONGEST_ENDING + 1 letters
    // before its end) is followed by the start of an ending but not by a whole one: only such a stem can widen a
    // word's results (see wordResults), so where there is none, no query is needed to know that nothing widens them.
    function isPartEndingFrom(word, length) {
      for (var k = length; k >= SHORTEST_STEM && word.length - k <= LONGEST_ENDING + 1; k--) {
        if (isEndingAt(word, k) && !isWholeEndingAt(word, k)) return true;
      }
      return false;
    }
    function endingAt(word, length, test) {
      var rest = word.slice(length);
      if (test(ENDINGS, rest)) return true;
      return rest.length > 0 && rest.charAt(0) === word.charAt(length - 1) && !/[aeiouy]/.test(rest.charAt(0)) &&
        test(ENDINGS, rest.slice(1));
    }

    // The papers that have a word (folded, without punctuation), a word that starts with it, or the stem of
    // the word being typed. Pagefind indexes stems ("quantiz" for "quantization") and matches the start of a
    // query word only with the start of a stem, so while an ending is typed ("quantiza", "hashi") it finds
    // only the few words that really start so (compounds such as "quantization-based", names), not the
    // papers that the whole word will find. So a word also finds what its stem finds: its stem is the longest
    // start of it, of SHORTEST_STEM letters or more, that is an indexed word and is followed by (the start of)
    // an ending that starts with a vowel (or a doubled consonant). Where that ending is whole ("quantiz|ation",
    // "hash|ing", "model|ling") Pagefind's stemmer cuts it off itself, and the word's results stay what they
    // are: only an ending being typed widens them.
    // (Pagefind stems the stem too, "quantis" to "quanti", which would widen a whole word's results.)
    // An ending that starts with a consonant ("ness", "ment", "ly") is often the next syllable of a longer
    // word instead ("hashn" is "hashnet", not "hashness"): it widens only where no indexed word starts with
    // the word typed, so that Pagefind fell back for it ("randoml" found only the papers with "random"
    // itself, "randomly" every word that starts with "random": "randomised", ...), or where the stem and
    // a whole such ending make an indexed word ("experim": "experiment", the stem of "experimental", while
    // "experiment" finds what its stem "experi" finds).
    function wordResults(word) {
      var own = plainSearch(word);
      function consonantWidens(k) {
        return own.then(function (o) {
          if (!o.extended) return true;
          var rest = word.slice(k);
          var words = ENDINGS.filter(function (e) { return e.lastIndexOf(rest, 0) === 0; }).map(function (e) {
            return word.slice(0, k) + e;
          });
          return Promise.all(words.map(isIndexed)).then(function (found) { return found.indexOf(true) >= 0; });
        });
      }
      function stemFrom(k) {
        if (!isPartEndingFrom(word, k)) return Promise.resolve([]);  // what the steps below would come to, unasked
        if (!isEndingAt(word, k)) return stemFrom(k - 1);
        var next = word.charAt(k);
        var vowel = /[aeiouy]/.test(next) || next === word.charAt(k - 1);
        return (vowel ? Promise.resolve(true) : consonantWidens(k)).then(function (widens) {
          return widens && isIndexed(word.slice(0, k));
        }).then(function (indexed) {
          if (!indexed) return stemFrom(k - 1);
          return isWholeEndingAt(word, k) ? [] : plainResults(word.slice(0, k));
        });
      }
      return Promise.all([own.then(function (o) { return o.results; }), stemFrom(word.length - 1),
                          searchPagefind('"' + word + '"')]).then(function (found) {
        return markWhole(union([found[0], found[1]]), found[2]);
      });
    }

    // A word's hits (union's, its own), each with `whole` set: 1 where the page has the word itself (as Pagefind stems
    // it: "hash" in "hashes" or "hashing"), which the word in quotes finds (never a longer word that starts with it,
    // nor a fallback), and 0 where it has only longer words that start with it: "Li" is the surname of 16 authors of
    // the review, and the start of "Limitations", "Linear", "Lindenstrauss" in 100 titles, which came first (see
    // bestFirst).
    function markWhole(hits, exact) {
      var whole = {};
      exact.forEach(function (r) { whole[r.id] = true; });
      hits.forEach(function (r) { r.whole = whole[r.id] ? 1 : 0; });
      return hits;
    }

    // Whether some bundle of the index has this very word: followed by PROBE, Pagefind falls back to the
    // longest indexed word that it starts with, which is the word itself where a hit's locations differ from
    // those of the word without its last letter.
    function isIndexed(word) {
      return Promise.all([searchPagefind(word + PROBE), searchPagefind(word.slice(0, -1) + PROBE)]).then(function (found) {
        var shorter = {};
        found[1].forEach(function (r) { shorter[r.id] = locations(r); });
        return found[0].some(function (r) { return shorter[r.id] !== locations(r); });
      });
    }

    // The papers that have a word (folded, without punctuation), or a word that starts with it.
    // The same word followed by PROBE can never start an indexed word, so Pagefind always falls back for it,
    // to the same indexed word as for the word alone if that fell back too: a hit found at the same
    // locations by both came from that fallback, or has the word's own stem (nothing longer starting with
    // it). The word in quotes tells them apart: Pagefind matches a phrase with the word's stem itself, never
    // by a fallback, so a page that it finds has the stem, and its bundle did not fall back (papers with
    // only "optimized" or "based" have only "optim" or "base", the stems of "optimization" and "based", which
    // "optimization~" and "based~" fall back to as well, and were dropped; those with "optimis..." or
    // "baseline" were kept).
    function plainResults(word) {
      return plainSearch(word).then(function (o) { return o.results; });
    }
    // {results, extended}: extended where some indexed word starts with the word's stem (no fallback).
    function plainSearch(word) {
      return Promise.all([searchPagefind(word), searchPagefind(word + PROBE)]).then(function (found) {
        var fallback = {};
        found[1].forEach(function (r) { fallback[r.id] = locations(r); });
        var kept = [], unsure = [];
        found[0].forEach(function (r) { (fallback[r.id] === locations(r) ? unsure : kept).push(r); });
        if (!unsure.length) return { results: kept, extended: kept.length > 0 };
        return searchPagefind('"' + word + '"').then(function (stemmed) {
          var exact = {};
          stemmed.forEach(function (r) { exact[r.id] = true; });
          var rest = [];
          unsure.forEach(function (r) { (exact[r.id] ? kept : rest).push(r); });
          var extended = kept.length > 0;
          return (rest.length ? withFallbacks(word, kept, rest) : Promise.resolve(kept)).then(function (results) {
            return { results: results, extended: extended };
          });
        });
      });
    }

    // `kept` and those of the `unsure` hits that have the word itself, or a word that starts with the word's
    // stem, or else, where Pagefind fell back, the hits where the rest of the word after the indexed word it
    // fell back to is the start of an ending. That indexed word's length shows in Pagefind's answers: the
    // word cut to k letters and followed by PROBE falls back to it, at the same locations, as long as k is
    // not shorter than it. Pagefind searches for the word's stem (Snowball's English stemmer, `stem`), so an
    // indexed word that starts with it is no fallback: "experiments" (stem "experi") finds "experimental"
    // (stem "experiment") in any bundle, which the word in quotes does not. Where the rest is a whole
    // ending, the stemmer says whether Pagefind cut it: "sentence" is stemmed "sentenc", not "sent", so its
    // papers are not those of "sent" (its "ence" is cut only after two syllables: "depend|ence"). Only
    // while an ending is being typed ("quantizati|on") does the start of the stem stand for the whole word.
    // A large review's index is in several bundles, each falling back on its own: where some bundle has the
    // word's stem or words that start with it, the fallback hits of the others are dropped, as a single
    // index would not have fallen back.
    function withFallbacks(word, kept, unsure) {
      var accepted = kept.slice();
      var stemmed = stem(word);
      function step(k, pending) {
        var length = k + 1;  // of the indexed word, for the hits that this step no longer finds there
        if (!pending.length || k < 0 || word.length - length > LONGEST_ENDING + 1 ||
            (length < SHORTEST_STEM && length < word.length)) {
          return Promise.resolve(accepted);
        }
        var typing = accepted.length === 0;  // no bundle has the stem: a single index too falls back
        return searchPagefind(word.slice(0, k) + PROBE).then(function (found) {
          var at = {};
          found.forEach(function (r) { at[r.id] = locations(r); });
          var still = pending.filter(function (r) {
            if (at[r.id] === locations(r)) return true;
            if (length === word.length || (word.lastIndexOf(stemmed, 0) === 0 && length >= stemmed.length) ||
                (typing && isEndingAt(word, length) && !isWholeEndingAt(word, length))) {
              accepted.push(r);
            }
            return false;
          });
          return step(k - 1, still);
        });
      }
      return step(word.length - 1, unsure);
    }

    // A phrase's forms with each gap between two of its words a space or a hyphen: Pagefind indexes a hyphenated
    // word as one ("locality-sensitive" as "localitysensitive"), so that "locality sensitive hashing" in quotes found
    // only the papers that write it with a space, and "locality-sensitive hashing" only those with the hyphen. Every
    // choice of gaps for a phrase of up to four words; for a longer one, spaces, or one hyphen (a search each).
    function phraseForms(words) {
      var gaps = words.length - 1, masks = [0], forms = [];
      for (var g = 0; g < gaps; g++) masks.push(1 << g);
      if (gaps <= 3) for (var m = 3; m < (1 << gaps); m++) if (masks.indexOf(m) < 0) masks.push(m);
      masks.forEach(function (mask) {
        var text = words[0];
        for (var g = 0; g < gaps; g++) text += (mask & (1 << g) ? "-" : " ") + words[g + 1];
        forms.push('"' + text + '"');
      });
      return forms;
    }

    function fullTextResults(q) {
      q = searchedText(q);
      var typed = phraseText(q);
      if (typed !== null) {  // a phrase, in each spelling, hyphenated or not
        typed = typed.replace(/\s+/g, " ");
        var words = typed.split(/[\s\p{Pd}]+/u).filter(Boolean);
        if (!words.length) return Promise.resolve([]);  // punctuation alone: nothing to search for
        var other = words.map(function (word) { return spellings(queryWord(word))[1] || word; });
        // the phrase as typed first: a long one's forms are not every choice of its gaps (phraseForms)
        var phrases = ['"' + typed + '"'].concat(phraseForms(words), phraseForms(other));
        return Promise.all([
          Promise.all(phrases.filter(function (p, i) { return phrases.indexOf(p) === i; }).map(searchPagefind)).then(union),
          wordsResults(typed),
        ]).then(function (found) { return rankedPhrase(found[0], found[1]); });
      }
      return wordsResults(q);
    }

    // A phrase's hits, ranked as the same words without quotes rank them. Pagefind gives every page that has a phrase
    // the same score, says nothing of where in the page (matchedMetaFields) and gives the locations of one of its
    // occurrences only, not always the title's ("Spectral Hashing" came last of six for "spectral hashing" in quotes):
    // each hit takes the score, locations and title of its hit for the words (which has them close together where the
    // page has the phrase), and keeps its own where the words did not find it.
    function rankedPhrase(hits, wordHits) {
      var byId = {};
      wordHits.forEach(function (r) { byId[r.id] = r; });
      return hits.map(function (r) {
        var w = byId[r.id];
        if (!w) return r;
        return { id: r.id, at: r.at, score: w.score, words: w.words.length ? w.words : r.words, title: w.title,
                 page: r.page, leads: w.leads, whole: 0 };
      });
    }

    // The hits of a query's words, not a phrase: the papers that have every word.
    function wordsResults(q) {
      function termResults(term) {
        return Promise.all(spellings(term).map(wordResults)).then(union);
      }
      // A hyphenated word also finds what its parts find as words of their own: "nearest-neighbour" what "nearest
      // neighbour" finds (Pagefind indexes "nearest-neighbour" as one word and as its parts, so as one word it found
      // only the papers that hyphenate it), and a DOI with a hyphen still finds its paper as one word.
      var words = contentWords(q.split(/\s+/).filter(function (word) { return queryWord(word); }));
      return Promise.all(words.map(function (word) {
        var parts = contentWords(word.split(/\p{Pd}+/u).map(queryWord).filter(Boolean));
        var whole = termResults(queryWord(word));
        if (parts.length < 2) return whole;
        return Promise.all([whole, Promise.all(parts.map(termResults)).then(intersection)]).then(union);
      })).then(intersection);
    }

    return fullTextResults;
  }

  scope.l2hSearch = { fold: fold, spellings: spellings, queryWord: queryWord, contentWords: contentWords,
                      bareIdentifiers: bareIdentifiers,
                      searchedText: searchedText, phraseText: phraseText, asciiNames: asciiNames, asciiWords: asciiWords, open: open };
})(self);

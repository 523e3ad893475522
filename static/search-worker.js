// The finder's worker: Pagefind and the finder's rules for it (search-rules.js), off the all-papers page's thread
// (see papers.js). The first message says where the review is, {root, count}; the worker answers {ready: true} once
// it has loaded Pagefind, or {ready: false}. Then each message is a query, {id, q}, answered with {id, numbers, keys}:
// the numbers of the papers it finds as an Int32Array, transferred, and the keys of those the ids file does not know;
// or with {id, failed: true}.
"use strict";
importScripts("search-rules.js");
var finding = null;  // promise of find(q), once the first message has said where the review is
self.addEventListener("message", function (event) {
  var message = event.data;
  if (!finding) {
    finding = self.l2hSearch.open(message.root, message.count);
    finding.then(function () { self.postMessage({ ready: true }); }, function () { self.postMessage({ ready: false }); });
    return;
  }
  finding.then(function (find) { return find(message.q); }).then(function (found) {
    self.postMessage({ id: message.id, numbers: found.numbers, keys: found.keys }, [found.numbers.buffer]);
  }, function () {
    self.postMessage({ id: message.id, failed: true });
  });
});

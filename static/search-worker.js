// The finder's worker: Pagefind and the finder's rules for it (search-rules.js), off the all-papers page's thread
// (see papers.js). The first message says where the review is and names the worker's lock, {root, count, lock}; the
// worker holds that lock while it lives (the page is granted it once the worker is gone: closed, crashed or killed,
// which no message says). It answers {ready: true, locked} once it has loaded Pagefind, locked whether it holds the
// lock; or {ready: false}. Then each message is a query, {id, q}, answered with {id, numbers, keys}:
// the numbers of the papers it finds as an Int32Array, transferred, and the keys of those the ids file does not know,
// each best match first; or with {id, failed: true}.
"use strict";
importScripts("search-rules.js");
var finding = null;  // promise of find(q), once the first message has said where the review is
self.addEventListener("message", function (event) {
  var message = event.data;
  if (!finding) {
    finding = self.l2hSearch.open(message.root, message.count);
    Promise.all([finding, holdLock(message.lock)]).then(function (done) {
      self.postMessage({ ready: true, locked: done[1] });
    }, function () { self.postMessage({ ready: false }); });
    return;
  }
  finding.then(function (find) { return find(message.q); }).then(function (found) {
    self.postMessage({ id: message.id, numbers: found.numbers, keys: found.keys }, [found.numbers.buffer]);
  }, function () {
    self.postMessage({ id: message.id, failed: true });
  });
});

// Hold the named lock until this worker is gone; resolves to true once it is held, or to false where it cannot be (no
// locks in an insecure context or an old browser: the page then cannot tell that the worker is gone, see papers.js).
function holdLock(name) {
  return new Promise(function (held) {
    if (!self.navigator.locks || !name) { held(false); return; }
    self.navigator.locks.request(name, function () {
      held(true);
      return new Promise(function () {});  // never settles: the lock is released only when the worker is gone
    }).catch(function () { held(false); });
  });
}

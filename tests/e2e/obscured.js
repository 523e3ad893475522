// Evaluated by tests/e2e/test_accessibility.py in the page (after colours.js) before it walks the tab order with the Tab
// key and back with Shift+Tab (WCAG 2.2 SC 2.4.11, focus not obscured): at each press, before the browser moves the
// focus, notes how much of the element that the press before focused (and the browser scrolled into view) is hidden by
// the page's own content that stays put while the page scrolls (position: sticky or fixed: the site's header, a table's
// header row, the topic map's legend, l2h serve's overlay). What of the element is in view: each of its boxes (a link's
// lines) within the window and within every box of its ancestors that clips it; hidden: what of that such an element
// (neither its ancestor nor its descendant) covers, where it is drawn above it (elementFromPoint at the middle of where
// they meet says which one is). Sets window.l2hFocusWalk, which the test steers, with `limit` stops each way:
// - start(): the focus goes to the last stop (from script); phase "seek": Tab takes it out of the page (to the browser);
// - "forward": Tab goes round to the first stop and on through each, noted, until the focus leaves the page again or
//   `limit` stops are noted: "held" (further presses are held by preventDefault, whatever the test sends);
// - start(true): the focus goes to the last stop again; "seek back": Tab takes it out of the page, and then is held;
// - "backward": Shift+Tab from the browser goes to the last stop, and up through each, noted, until the focus leaves
//   the page at the top, or `limit` stops are noted: "held";
// - seen: one record per stop and direction: { target, direction, hidden: "wholly", "partly" or "", by, outOfView }.
(limit) => {
  const { path } = l2hColours();
  const covers = [...document.querySelectorAll("*")]
    .filter((element) => ["sticky", "fixed"].includes(getComputedStyle(element).position));
  const cut = (a, b) => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
  const empty = (r) => r.right - r.left < 1 || r.bottom - r.top < 1;
  // A box cut to what of it is in view: within the window and within each ancestor that clips what overflows it.
  const inView = (element, box) => {
    const root = document.documentElement;
    let rect = cut(box, { left: 0, top: 0, right: root.clientWidth, bottom: root.clientHeight });
    for (let node = element.parentElement; node && node !== root && !empty(rect); node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const edge = node.getBoundingClientRect();
      const left = edge.left + node.clientLeft, top = edge.top + node.clientTop;
      rect = cut(rect, { left, top, right: left + node.clientWidth, bottom: top + node.clientHeight });
    }
    return rect;
  };
  // What of a rectangle is left when another is taken from it: up to four rectangles.
  const minus = (r, c) => {
    const i = cut(r, c);
    if (empty(i)) return [r];
    return [{ ...r, bottom: i.top }, { ...r, top: i.bottom }, { left: r.left, right: i.left, top: i.top, bottom: i.bottom },
      { left: i.right, right: r.right, top: i.top, bottom: i.bottom }].filter((part) => !empty(part));
  };
  const measure = (element, direction) => {
    const found = { target: path(element), direction, hidden: "", by: [], outOfView: false };
    const boxes = [...element.getClientRects()].map((box) => inView(element, box)).filter((box) => !empty(box));
    if (!boxes.length) { found.outOfView = true; return found; }
    let parts = boxes;
    for (const cover of covers) {
      if (cover.contains(element) || element.contains(cover) || !cover.getClientRects().length) continue;
      const rect = inView(cover, cover.getBoundingClientRect());
      if (empty(rect)) continue;
      const next = [];
      for (const part of parts) {
        const i = cut(part, rect);
        const top = empty(i) ? null : document.elementFromPoint((i.left + i.right) / 2, (i.top + i.bottom) / 2);
        if (!top || !cover.contains(top)) { next.push(part); continue; }
        if (!found.by.includes(path(cover))) found.by.push(path(cover));
        next.push(...minus(part, rect));
      }
      parts = next;
    }
    found.hidden = !parts.length ? "wholly" : found.by.length ? "partly" : "";
    return found;
  };
  // The last stop of the tab order (in the order of the page: the site gives no tabindex above 0); from it one Tab
  // takes the focus out of the page, whatever the page scrolled to. If it is not the last, Tab goes on until it is out.
  const last = () => [...document.querySelectorAll(
    "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]")]
    .filter((element) => element.tabIndex >= 0 && !element.disabled && element.getClientRects().length).pop();
  const walk = {
    phase: "seek", seen: [], stops: 0,
    start: (back) => {
      walk.phase = back ? "seek back" : "seek";
      walk.stops = 0;
      if (last()) last().focus({ preventScroll: true });
    },
  };
  // The focus is in the browser, before or after the page's stops (after a page that left it there, the next one may
  // have it on its body, still saying it has the focus).
  const out = () => !document.hasFocus() || !document.activeElement || document.activeElement === document.body;
  addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    if (walk.phase === "seek" || walk.phase === "seek back") {
      // Out after the last stop: a walk forward goes on into the first stop, one back waits for Shift+Tab.
      if (!out() || event.shiftKey) return;
      walk.phase = walk.phase === "seek" ? "forward" : "backward";
      if (walk.phase === "backward") event.preventDefault();
      return;
    }
    const direction = walk.phase;
    if (direction === "held" || event.shiftKey !== (direction === "backward")) { event.preventDefault(); return; }
    if (out() && walk.stops) { walk.phase = "held"; event.preventDefault(); return; }
    if (out()) return;  // Shift+Tab from the browser, after the page: into its last stop
    walk.stops++;
    walk.seen.push(measure(document.activeElement, direction));
    if (walk.stops >= limit) { walk.phase = "held"; event.preventDefault(); }
  }, true);
  window.l2hFocusWalk = walk;
}

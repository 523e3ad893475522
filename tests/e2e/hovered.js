// Evaluated by tests/e2e/test_accessibility.py in the page (after colours.js): defines window.l2hHover, for the test to
// hover with the mouse, one by one, what a :hover rule of the page's style sheets changes, and to hold it, hovered, to
// WCAG AA too (text 4.5:1, 3:1 when large; a control's boundary 3:1, with nontext.js: SC 1.4.3, 1.4.11).
// targets(checked): for each rule whose selector has :hover (within a @media or @supports that applies now), each
// selector of its list that has :hover: the elements it matches when hovered (the selector up to the compound with
// :hover, without :hover) that are shown and within the page, the first few of each kind (the element's tag and
// classes and its parent's) not in `checked` (the kinds checked already in this browser and theme): up to five, the
// first that the mouse reaches (a dot of the topic map may lie under another) first, which the test hovers. Returns
// { found: [{ kind, targets }], problems } (a selector this cannot take apart is a problem, never skipped).
// texts(target): for the element hovered and each element in it with text of its own, the colours its text is seen in
// (colours.js's seen, which takes a filter for a problem), as contrast.js returns those axe left undecided.
window.l2hHover = {};
l2hHover.texts = (target) => {
  const { seen, path } = l2hColours();
  const element = document.querySelector(target);
  return [element, ...element.querySelectorAll("*")]
    .filter((node) => node.checkVisibility({ visibilityProperty: true })
      && [...node.childNodes].some((child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim()))
    .map((node) => ({ target: path(node), reason: "", ...seen(node) }));
};
l2hHover.targets = (checked) => {
  const { path } = l2hColours();
  const known = new Set(checked);
  const found = [], problems = [];
  const selectors = [];
  const read = (rules) => {
    for (const rule of rules) {
      if (rule instanceof CSSMediaRule && !matchMedia(rule.conditionText).matches) continue;
      if (rule instanceof CSSSupportsRule && !CSS.supports(rule.conditionText)) continue;
      if (rule instanceof CSSStyleRule && rule.selectorText.includes(":hover")) {
        // Each selector of the list (commas within parentheses belong to one selector).
        let depth = 0, start = 0;
        const text = rule.selectorText;
        for (let i = 0; i <= text.length; i++) {
          const c = text[i];
          if (c === "(" || c === "[") depth++;
          else if (c === ")" || c === "]") depth--;
          else if ((c === "," && depth === 0) || i === text.length) {
            const one = text.slice(start, i).trim();
            if (one.includes(":hover")) selectors.push(one);
            start = i + 1;
          }
        }
      }
      if (rule.cssRules) read(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) read(sheet.cssRules);
  for (const selector of selectors) {
    // The compound that has :hover ends at the next combinator outside parentheses and brackets.
    const at = selector.indexOf(":hover");
    let end = at, depth = 0;
    for (; end < selector.length; end++) {
      const c = selector[end];
      if (c === "(" || c === "[") depth++;
      else if (c === ")" || c === "]") depth--;
      else if (depth === 0 && /[\s>+~]/.test(c)) break;
    }
    const subject = (selector.slice(0, at) + selector.slice(at + ":hover".length, end)).trim() || "*";
    if (subject.includes(":hover") || /\(.*:hover/.test(selector.slice(0, at))) {
      problems.push(`the :hover of ${selector} not taken apart`);
      continue;
    }
    let elements;
    try {
      elements = document.querySelectorAll(/[\s>+~]$/.test(subject) ? `${subject}*` : subject);
    } catch (error) {
      problems.push(`the :hover of ${selector} not taken apart (${subject}: ${error.message})`);
      continue;
    }
    for (const element of elements) {
      const box = element.getBoundingClientRect();
      if (!box.width || !box.height || box.right + scrollX <= 0 || box.bottom + scrollY <= 0) continue;
      if (!element.checkVisibility({ visibilityProperty: true }) || element.closest("[hidden], [inert]")) continue;
      const name = (node) => node ? node.localName + [...node.classList].map((c) => `.${c}`).join("") : "";
      const kind = `${name(element.parentElement)} > ${name(element)}`;
      if (known.has(kind)) continue;
      let same = found.find((one) => one.kind === kind);
      if (!same) found.push(same = { kind, targets: [], reached: false });
      if (same.reached || same.targets.length >= 5) continue;
      // Reached: in view, the middle of its first box is on it (not on a dot drawn over it).
      element.scrollIntoView({ block: "center", inline: "center" });
      const first = element.getClientRects()[0];
      const top = document.elementFromPoint(first.left + first.width / 2, first.top + first.height / 2);
      same.reached = !!top && element.contains(top);
      if (same.reached) same.targets.unshift(path(element)); else same.targets.push(path(element));
    }
  }
  scrollTo(0, 0);
  return { found: found.map(({ kind, targets }) => ({ kind, targets })), problems };
};

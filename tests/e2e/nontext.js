// Run by tests/e2e/test_accessibility.py in the page (after colours.js): gathers, from the computed styles, the colours
// of what WCAG 2.1 holds to 3:1 against the colours next to it, and returns them for the test to compute and judge:
// - "boundary" (SC 1.4.11, user interface components): each visible form control and button (a.button too): its
//   border, on each side that has one, and its fill, each against what is around it (its parent's backgrounds);
//   either one at 3:1 shows where the control is. A checkbox or radio drawn by the browser itself (appearance: auto)
//   has no computed colours: it is returned as "native" (the first ticked and the first not ticked of the page), and
//   the test reads its colours from a screenshot.
// - "mark" (SC 1.4.11, graphical objects): the chart's bars and axis, the topic map's dots (but the faded ones, which
//   papers.js dims because they do not match) and its legend's swatches, the home page's diagram's points, codes,
//   arrows, query and scanned bucket; each with its fill's or stroke's opacity, against what is behind it. The
//   diagram's panel and its skipped buckets are containers named by their own text, not held to it.
// - "focus" (SC 2.4.7, and 1.4.11 for the indicator): each element in the tab order (tabIndex >= 0, shown, not
//   disabled) is focused from script after the test pressed Tab, so it matches :focus-visible as by keyboard (if it
//   does not, that is a problem), and its indicator is what changed from its look unfocused: its outline (its colour
//   against what it is drawn on: around the element, or over its own background when inset; Chromium's own "auto"
//   ring is its colour and a white one around it), a box-shadow added, a border colour or a background colour changed
//   (against the one before), an SVG shape's stroke changed; one of them at 3:1 is a visible focus. None is a failure
//   (outline: none without a replacement).
// Each item: { check, target, candidates: [{ what, pairs: [[colour, background], ...] }], problems }; the test takes,
// for each candidate, its worst pair, and holds the best candidate to 3:1. Focus is left where it was (on the body).
// within: a selector of the element hovered (by the test's mouse): only the boundaries and marks it holds, and no focus.
(within) => {
  const { parse, over, opacity, behind, path } = l2hColours();
  const hovered = within ? document.querySelector(within) : null;
  const shown = (element) => {
    if (hovered && !hovered.contains(element)) return false;
    // Not in a closed <details> (content-visibility: hidden), nor display: none, nor visibility: hidden.
    if (!element.getClientRects().length || !element.checkVisibility({ visibilityProperty: true })) return false;
    const style = getComputedStyle(element);
    return style.visibility === "visible" && !element.closest("[hidden], [inert]");
  };
  const opaque = (colour, alpha, backgrounds) => [...backgrounds.values()].map((b) => [over(colour, alpha, b), b]);
  const item = (check, element) => ({ check, target: path(element), candidates: [], problems: [] });
  const colourOf = (value, what, found) => {
    const colour = parse(value);
    if (!colour) found.problems.push(`${what} ${value} not understood`);
    return colour;
  };
  const around = (element, found) => behind(element.parentElement, found.problems);
  const items = [];

  // Boundaries of controls.
  const natives = new Map();
  for (const control of document.querySelectorAll("input:not([type=hidden]), select, textarea, button, a.button")) {
    if (!shown(control)) continue;
    const style = getComputedStyle(control);
    const found = item("boundary", control);
    if (["checkbox", "radio"].includes(control.type) && style.appearance !== "none") {
      const kind = `${control.type} ${control.checked ? "ticked" : "not ticked"}`;
      if (!natives.has(kind)) natives.set(kind, { ...found, check: "native", kind, around: [...around(control, found).values()] });
      continue;
    }
    const alpha = opacity(control);
    const outside = around(control, found);
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      if (parseFloat(style[`border${side}Width`]) <= 0 || ["none", "hidden"].includes(style[`border${side}Style`])) continue;
      const colour = colourOf(style[`border${side}Color`], `the ${side.toLowerCase()} border's colour`, found);
      if (colour) found.candidates.push({ what: `${side.toLowerCase()} border`, pairs: opaque(colour, alpha, outside) });
    }
    const fill = colourOf(style.backgroundColor, "the background colour", found);
    if (fill && fill[3] > 0) found.candidates.push({ what: "fill", pairs: opaque(fill, alpha, outside) });
    items.push(found);
  }
  items.push(...natives.values());

  // Graphical objects.
  const marks = [
    [".chart .bar rect, .topic-map .map-point:not(.is-dimmed) circle, .diagram .d-points circle, .diagram .d-buckets circle", "fill"],
    [".chart .axis, .diagram .d-codes rect, .diagram .d-arrow path, .diagram .d-query, .diagram .bucket.hit", "stroke"],
    [".map-legend .swatch", "background"],
  ];
  for (const [selector, paint] of marks) {
    for (const mark of document.querySelectorAll(selector)) {
      if (!shown(mark)) continue;
      const style = getComputedStyle(mark);
      const found = item("mark", mark);
      const value = paint === "background" ? style.backgroundColor : style[paint];
      const colour = colourOf(value, `the ${paint}`, found);
      const alpha = opacity(mark) * (paint === "background" ? 1 : +style[`${paint}Opacity`]);
      if (colour) found.candidates.push({ what: paint, pairs: opaque(colour, alpha, around(mark, found)) });
      items.push(found);
    }
  }

  // Focus indicators.
  const look = (element) => {
    const style = getComputedStyle(element);
    const shapes = element instanceof SVGElement
      ? [...element.querySelectorAll("circle, rect, path, ellipse, polygon, line")].map((shape) => {
        const drawn = getComputedStyle(shape);
        return { shape, stroke: drawn.stroke, width: drawn.strokeWidth, opacity: +drawn.strokeOpacity };
      })
      : [];
    return {
      outline: [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor, parseFloat(style.outlineOffset)],
      shadow: style.boxShadow,
      borders: ["Top", "Right", "Bottom", "Left"].map((side) => [style[`border${side}Color`],
        parseFloat(style[`border${side}Width`]) > 0 && !["none", "hidden"].includes(style[`border${side}Style`])]),
      background: style.backgroundColor,
      shapes,
    };
  };
  // Outside a modal dialog (l2h serve's overlay), the page is inert: nothing there takes the focus, nor should.
  const modal = document.querySelector("dialog:modal");
  const blocked = (element) => modal !== null && !modal.contains(element);
  const focusable = [...document.querySelectorAll(
    "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]")]
    .filter((element) => !hovered && element.tabIndex >= 0 && !element.disabled && shown(element) && !blocked(element));
  const rests = focusable.map(look);
  focusable.forEach((element, i) => {
    const found = item("focus", element);
    items.push(found);
    element.focus({ preventScroll: true });
    if (document.activeElement !== element) { found.problems.push("it does not take the focus"); return; }
    if (!element.matches(":focus-visible")) { found.problems.push("it does not match :focus-visible"); return; }
    const rest = rests[i], now = look(element);
    const outside = around(element, found);
    const [style, width, value, offset] = now.outline;
    if (style !== "none" && width > 0) {
      const colour = colourOf(value, "the outline's colour", found);
      // Drawn around the element, over its own background where it is inset (a negative offset).
      const on = offset >= 0 ? outside : offset + width <= 0 ? behind(element, found.problems)
        : new Map([...outside, ...behind(element, found.problems)]);
      if (colour) found.candidates.push({ what: `outline ${style} ${width}px`, pairs: opaque(colour, 1, on) });
      if (style === "auto") found.candidates.push({ what: "outline auto (its white ring)", pairs: opaque([255, 255, 255, 1], 1, on) });
    }
    if (now.shadow !== rest.shadow && now.shadow !== "none") {
      for (const value of now.shadow.match(/rgba?\([^)]*\)/g) || []) {
        const colour = colourOf(value, "the box-shadow's colour", found);
        const on = /inset/.test(now.shadow) ? behind(element, found.problems) : outside;
        if (colour) found.candidates.push({ what: `box-shadow ${now.shadow}`, pairs: opaque(colour, 1, on) });
      }
    }
    now.borders.forEach(([value, drawn], side) => {
      if (!drawn || value === rest.borders[side][0]) return;
      const colour = colourOf(value, "the border's colour", found), before = parse(rest.borders[side][0]);
      if (colour && before) {
        found.candidates.push({ what: "border colour changed", pairs: [...outside.values()].map((b) => [over(colour, 1, b), over(before, 1, b)]) });
      }
    });
    if (now.background !== rest.background) {
      const colour = colourOf(now.background, "the background colour", found), before = parse(rest.background);
      if (colour && before) {
        found.candidates.push({ what: "background changed", pairs: [...outside.values()].map((b) => [over(colour, 1, b), over(before, 1, b)]) });
      }
    }
    now.shapes.forEach((shape, k) => {
      const was = rest.shapes[k];
      if (shape.stroke === "none" || parseFloat(shape.width) <= 0 || (shape.stroke === was.stroke && shape.width === was.width)) return;
      const colour = colourOf(shape.stroke, "an SVG shape's stroke", found);
      if (colour) {
        found.candidates.push({ what: `stroke ${shape.width}`, pairs: opaque(colour, shape.opacity * opacity(shape.shape), behind(shape.shape, found.problems)) });
      }
    });
  });
  if (document.activeElement) document.activeElement.blur();
  return items;
}

// Evaluated in the page by tests/e2e/test_accessibility.py before contrast.js, nontext.js, obscured.js and hovered.js,
// which call it: defines l2hColours(), which returns the helpers the first two compute colours with, with caches of
// their own (a page's colours change with its theme: each check takes fresh ones), and the one all name elements with.
// parse: a computed colour (rgb/rgba) as [r, g, b, alpha] or null; over: a colour with an opacity laid over an opaque
// one; opacity: an element's own times its ancestors'; behind: the colours that may be behind an element's content
// (see contrast.js), with the problems met (a background image, a filter, a colour not understood) pushed to a list;
// path: a selector that names an element.
window.l2hColours = () => {
  const parse = (value) => {
    const match = /^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)$/.exec(value);
    return match ? [+match[1], +match[2], +match[3], match[4] === undefined ? 1 : +match[4]] : null;
  };
  // A colour with opacity laid over an opaque one.
  const over = (top, alpha, bottom) => [0, 1, 2].map((i) => top[i] * top[3] * alpha + bottom[i] * (1 - top[3] * alpha));
  const key = (colour) => colour.map((c) => c.toFixed(1)).join(",");
  const opacities = new Map();
  const opacity = (element) => {
    if (!element) return 1;
    if (!opacities.has(element)) {
      opacities.set(element, +getComputedStyle(element).opacity * opacity(element.parentElement));
    }
    return opacities.get(element);
  };
  // What is behind an element's text, as a Map of the colours it may be (by key): what is behind its parent, under
  // the element's background colour and each stop of each of its gradients over it, and its ::before and ::after,
  // which may lie behind the text too. Problems (a background image, a filter, a colour not understood) are collected.
  const behinds = new Map();
  const behind = (element, problems) => {
    if (!element) return new Map([[key([255, 255, 255]), [255, 255, 255]]]); // the canvas
    if (behinds.has(element)) {
      problems.push(...behinds.get(element).problems);
      return behinds.get(element).colours;
    }
    const own = [];
    let colours = behind(element.parentElement, own);
    const alpha = opacity(element);
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      if (pseudo && (style.content === "none" || style.display === "none")) continue;
      if (style.filter !== "none" || style.backdropFilter !== "none" || style.mixBlendMode !== "normal") {
        own.push(`${pseudo || ""} a filter or blend mode (${style.filter}, ${style.backdropFilter}, ${style.mixBlendMode})`);
      }
      const colour = parse(style.backgroundColor);
      if (!colour) { own.push(`${pseudo || ""} background-color ${style.backgroundColor} not understood`); continue; }
      const stops = [];
      if (style.backgroundImage !== "none") {
        if (/url\(|image-set|element\(|cross-fade/.test(style.backgroundImage)) {
          own.push(`a background image (${style.backgroundImage})`);
        } else if (/(?:^|[\s(,])(?:#|hsla?\(|hwb|lab|lch|oklab|oklch|color\()/.test(style.backgroundImage)) {
          own.push(`a gradient not understood (${style.backgroundImage})`);
        }
        for (const stop of style.backgroundImage.match(/rgba?\([^)]*\)/g) || []) {
          if (parse(stop)) stops.push(parse(stop));
          else own.push(`a gradient's colour ${stop} not understood`);
        }
      }
      const base = colour[3] > 0 ? [colour] : [];
      const stacks = [...(base.length ? [base] : []), ...stops.map((stop) => [...base, stop])];
      if (!stacks.length) continue;
      // Only the element's own background colour covers all that is behind it.
      const next = new Map(pseudo || !base.length ? colours : []);
      for (const below of colours.values()) {
        for (const stack of stacks) {
          const seen = stack.reduce((under, layer) => over(layer, alpha, under), below);
          next.set(key(seen), seen);
        }
      }
      colours = next;
    }
    behinds.set(element, { colours, problems: own });
    problems.push(...own);
    return colours;
  };
  // A selector that names an element: its id, or its tag and classes and place among its siblings under the nearest
  // ancestor with an id.
  const path = (element) => {
    const parts = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id) { parts.unshift(`#${CSS.escape(node.id)}`); break; }
      const tag = node.localName;
      const classes = [...node.classList].map((c) => `.${CSS.escape(c)}`).join("");
      const same = node.parentElement ? [...node.parentElement.children].filter((c) => c.localName === tag) : [node];
      parts.unshift(tag + classes + (same.length > 1 ? `:nth-of-type(${same.indexOf(node) + 1})` : ""));
      if (node === document.body) break;
    }
    return parts.join(" > ");
  };
  // The colours an element's text is seen in: its own colour (an SVG text's fill) against each background it may be on
  // (behind), and for SVG text each shape drawn before it where they meet, with the opacity of each and of their
  // ancestors; with whether it is large text, its font, and the problems met.
  const seen = (element) => {
    const problems = [];
    const svg = element instanceof SVGElement;
    const style = getComputedStyle(element);
    const colour = svg ? style.fill : style.webkitTextFillColor || style.color; // the fill is color unless set
    const ink = parse(colour);
    if (!ink) return { problems: [`the text's colour ${colour} not understood`] };
    const inkAlpha = opacity(element) * (svg ? +style.fillOpacity : 1);
    let backgrounds = behind(element, problems);
    if (svg && element.ownerSVGElement) {
      // The SVG shapes drawn before the text where they meet it lie beneath it (or beside it: both are counted).
      const box = element.getBoundingClientRect();
      const shapes = element.ownerSVGElement.querySelectorAll("rect, circle, ellipse, path, polygon, polyline");
      for (const shape of shapes) {
        if (!(shape.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        const edge = shape.getBoundingClientRect(), drawn = getComputedStyle(shape);
        const apart = edge.right <= box.left || edge.left >= box.right || edge.bottom <= box.top || edge.top >= box.bottom;
        if (apart) continue;
        if (drawn.display === "none" || drawn.visibility !== "visible" || drawn.fill === "none") continue;
        const fill = parse(drawn.fill);
        if (!fill) { problems.push(`the fill ${drawn.fill} of a shape beneath not understood`); continue; }
        const next = new Map(backgrounds);
        for (const below of backgrounds.values()) {
          const colour = over(fill, opacity(shape) * +drawn.fillOpacity, below);
          next.set(key(colour), colour);
        }
        backgrounds = next;
      }
    }
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    return {
      problems,
      large: size >= 24 || (bold && size >= 18.66),
      pairs: [...backgrounds.values()].map((background) => [over(ink, inkAlpha, background), background]),
      font: `${style.fontSize} ${style.fontWeight}`,
    };
  };
  return { parse, over, key, opacity, behind, path, seen };
};

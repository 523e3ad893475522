// Evaluated in the page by tests/e2e/test_accessibility.py before contrast.js and nontext.js, which call it: defines
// l2hColours(), which returns the helpers both compute colours with, with caches of their own (a page's colours change
// with its theme: each check takes fresh ones). parse: a computed colour (rgb/rgba) as [r, g, b, alpha] or null;
// over: a colour with an opacity laid over an opaque one; opacity: an element's own times its ancestors'; behind: the
// colours that may be behind an element's content (see contrast.js), with the problems met (a background image, a
// colour not understood) pushed to a list.
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
  // which may lie behind the text too. Problems (a background image, a colour not understood) are collected.
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
  return { parse, over, key, opacity, behind };
};

// Run by tests/e2e/test_accessibility.py in the page, once axe-core is injected: runs axe with the rules given (and
// its own resultTypes and elementRef), and returns its violations and, for each element whose colour contrast axe
// left undecided ("incomplete": text over a gradient, SVG text, text partly covered, text too short to judge...),
// the colours its text is actually seen in, computed here from the styles: its own colour (an SVG text's fill)
// against every background it may be on: its ancestors' background colours, each stop of their gradients, their
// ::before and ::after, and for SVG text each shape drawn before it where they meet; with the opacity of each and of
// their ancestors. The backgrounds of elements that are not its ancestors but are laid beneath it by positioning are
// not seen (the site has none: what is positioned over the page, its header and l2h serve's overlay, has its own).
// What cannot be computed (a background image, a colour in a form not understood) is returned as a problem, never
// skipped. The test computes the ratios (with the tests' one WCAG formula) and holds them to AA.
async (options) => {
  const results = await axe.run(document, { ...options, resultTypes: ["violations", "incomplete"], elementRef: true });
  const { parse, over, key, opacity, behind } = l2hColours();
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
  const undecided = [];
  for (const rule of results.incomplete) {
    if (!["color-contrast", "link-in-text-block"].includes(rule.id)) continue;
    for (const node of rule.nodes) {
      const target = node.target.map((t) => (typeof t === "string" ? t : t.join(" "))).join(" >>> ");
      const checks = [...node.any, ...node.all, ...node.none];
      const reason = checks.map((check) => (check.data && check.data.messageKey) || check.message).join("; ");
      const found = rule.id === "color-contrast" && node.element
        ? seen(node.element) : { problems: [`${rule.id}: not computed by this test`] };
      undecided.push({ target, reason, ...found });
    }
  }
  for (const rule of results.violations) for (const node of rule.nodes) delete node.element;
  return { violations: results.violations, undecided };
}

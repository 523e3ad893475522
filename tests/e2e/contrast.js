// Run by tests/e2e/test_accessibility.py in the page, once axe-core is injected (and colours.js): runs axe with the
// rules given (and its own resultTypes and elementRef), and returns its violations and, for each element whose colour
// contrast axe left undecided ("incomplete": text over a gradient, SVG text, text partly covered, text too short to
// judge...), the colours its text is actually seen in, computed from the styles (colours.js's seen): its own colour
// (an SVG text's fill) against every background it may be on: its ancestors' background colours, each stop of their
// gradients, their ::before and ::after, and for SVG text each shape drawn before it where they meet; with the opacity
// of each and of their ancestors. The backgrounds of elements that are not its ancestors but are laid beneath it by
// positioning are not seen (the site has none: what is positioned over the page, its header and l2h serve's overlay,
// has its own). What cannot be computed (a background image, a filter, a colour in a form not understood) is returned
// as a problem, never skipped. The test computes the ratios (with the tests' one WCAG formula) and holds them to AA.
async (options) => {
  const results = await axe.run(document, { ...options, resultTypes: ["violations", "incomplete"], elementRef: true });
  const { seen } = l2hColours();
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

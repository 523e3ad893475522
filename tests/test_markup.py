"""Summaries rendered: fenced code, what the sanitiser removes (and says so), their plain text."""

from __future__ import annotations

from l2h_site.markup import MarkdownRenderer


def test_fenced_code_is_shown_escaped_with_its_language() -> None:
    html, failures = MarkdownRenderer().render(
        "Hash with:\n\n```python\ncodes = x @ w > 0  # $not math$\n<script>alert(1)</script> <b>x</b>\n```\n\nDone.")
    assert html == ('<p>Hash with:</p>\n<pre><code class="language-python">codes = x @ w &gt; 0  # $not math$\n'
                    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;\n</code></pre>\n<p>Done.</p>")
    assert failures == []


def test_display_math_inside_a_fence_stays_code() -> None:
    html, _ = MarkdownRenderer().render("~~~\n$$x$$\n$$\ny\n$$\n~~~\nThen $$z$$ and\n$$\nw\n$$")
    assert html.startswith("<pre><code>$$x$$\n$$\ny\n$$\n</code></pre>\n<p>Then <math")
    assert html.count("<math") == 2 and html.count('display="block"') == 1


def test_unclosed_fence_is_text() -> None:
    html, _ = MarkdownRenderer().render("```\nx $y$")
    assert html.startswith("<p>```\nx <math")

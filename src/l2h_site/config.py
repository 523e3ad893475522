"""Load l2h.yml into a Config; every key is optional and checked."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from l2h_site.cache import InputReads
from l2h_site.diagnostics import Diagnostic, L2hError, error, warning
from l2h_site.model import Config
from l2h_site.textutil import closest, describe_value
from l2h_site.write import check_output_dir
from l2h_site.yamlsafe import load_yaml_file

CONFIG_NAME = "l2h.yml"


_NOT_IN_AN_ADDRESS = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')


def web_address_problem(url: str) -> str | None:
    """Say why url is not an absolute http(s) address with a host, or None."""
    if not url.startswith(("https://", "http://")):
        return "is not an http(s) URL"
    bad = _NOT_IN_AN_ADDRESS.search(url)
    if bad:
        shown = "a space" if bad.group(0) == " " else f"the character {bad.group(0)!r}"
        return f"contains {shown}, which an address cannot hold"
    if not urlsplit(url).hostname:
        return "names no host"
    return None


_CAPITAL_SCHEME = re.compile(r"(?i)(https?)(://)")


def base_url_problem(base_url: str) -> str | None:
    """Say why base_url is not the plain http(s) address of a site (it goes into every page's links), or None."""
    if _CAPITAL_SCHEME.match(base_url) and not base_url.startswith(("https://", "http://")):
        return "writes its scheme in capitals"  # which every link of the site would repeat
    problem = web_address_problem(base_url)
    if problem:
        return problem
    parts = urlsplit(base_url)
    if "@" in parts.netloc:
        return "holds a user name or password, which every page of the site would publish"
    if parts.query or parts.fragment or base_url.endswith(("?", "#")):
        return "has a ?query or #fragment; the site's address ends with its folder"
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "has a port that is not a number"
    return None


def _masked(base_url: str) -> str:
    """base_url with a password in it shown as ***, for a CI log to show (the password may be a real one)."""
    return re.sub(r"^([A-Za-z]+://[^/@:]*:)[^/@]*@", r"\1***@", base_url)


def _base_url_fix(base_url: str) -> str:
    """Propose the address a base_url without its scheme (learning2hash.github.io, //x.org/) stands for."""
    if _CAPITAL_SCHEME.match(base_url) and not base_url.startswith(("https://", "http://")):
        return "write the scheme in lowercase: base_url: " + _CAPITAL_SCHEME.sub(
            lambda m: m.group(1).lower() + m.group(2), base_url, count=1)
    parts = urlsplit(base_url)
    if base_url.startswith(("https://", "http://")) and "@" in parts.netloc:
        return (f"write the site's address without it: base_url: {parts.scheme}://{parts.netloc.rpartition('@')[2]}"
                f"{parts.path or '/'}")
    bare = base_url.strip().removeprefix("//")
    if bare and "://" not in bare and web_address_problem("https://" + bare) is None:
        return f"write the absolute address: base_url: https://{bare.rstrip('/')}/"
    return "write the absolute address, e.g. https://learning2hash.github.io/"


def _text_hint(key: str, value: object) -> str:
    """Say how to write a text setting that YAML read as something else: empty, a list, a number, a date."""
    if value is None:
        return f'write the {key} after "{key}:", or leave the setting out'
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):  # papers_dir: [papers]
        return f"write it without brackets: {key}: {value[0]}"
    if isinstance(value, (list, dict)) and key in _FREE_TEXT:  # title: [Draft] Hashing reads as a list
        return f'write the {key} as one line of text, in quotes if it starts with [ or {{: {key}: "[Draft] ..."'
    if isinstance(value, (list, dict)):
        return f"write one {'path' if key in PATH_SETTINGS else 'value'} as text, without brackets or braces"
    return "quote text values"


def _path_over_lines(rel: str, key: str, value: str, source: str, at: tuple[int, int]) -> Diagnostic:
    """Report a path setting written over several lines (source), which YAML read as one path (value)."""
    lines = source.split("\n")
    shown = value.replace("\n", "\\n")
    message = f'setting "{key}" is written over {len(lines)} lines, which YAML joins into one path, "{shown}"'
    if source.startswith(("'", '"')):  # one path meant, in quotes, wrapped (a blank line in it is a line break)
        one_line = re.sub(r"\s*\n\s*", " ", value)
        return error(rel, *at, "config-path-lines", message,
                     f"write the path on one line: {key}: {json.dumps(one_line, ensure_ascii=False)}")
    below_lines = [at[0] + i for i, line in enumerate(lines) if i and line.strip()]  # blank lines were meant as none
    if len(below_lines) == 1:
        below = f"line {below_lines[0]} was meant as another setting, un-indent it and start it"
    else:
        named = (f"{below_lines[0]}-{below_lines[-1]}" if below_lines[-1] - below_lines[0] == len(below_lines) - 1 else
                 ", ".join(map(str, below_lines[:-1])) + f" and {below_lines[-1]}")
        below = f"lines {named} were meant as other settings, un-indent each and start it"
    return error(rel, *at, "config-path-lines", message, f"write the path on one line, e.g. {key}: "
                 f"{lines[0].strip()}; if {below} with the setting's name and a colon")


_FREE_TEXT = ("title", "tagline", "description")
"""The settings of words of one's own, whose text may start with a bracket."""


PATH_SETTINGS = ("papers_dir", "taxonomy", "templates_dir", "static_dir", "output_dir", "resources", "contributing")
"""The settings that name a folder or file of the review."""


def is_outside(relative: str) -> bool:
    """Tell whether a path written in l2h.yml leaves the review's folder: absolute, or climbing out with '..'
    (as written: a folder of the review that is a symbolic link to elsewhere stays inside)."""
    if os.path.isabs(relative) or Path(relative).drive:
        return True
    return os.path.normpath(relative).replace(os.sep, "/").split("/")[0] == ".."


def source_folders(config: Config) -> list[Path]:
    """The folders of sources that a site must never be written over (nor served from)."""
    return [config.path(p) for p in (config.papers_dir, config.templates_dir, config.static_dir)]


def base_path(base_url: str) -> str:
    """Return the path part of base_url, from and to a slash: "/" for https://x.org/, "/review/" for .../review/."""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def load_config(root: Path, config_file: Path | None = None,
                reads: InputReads | None = None) -> tuple[Config, list[Diagnostic]]:
    """Read the site config, returning defaults for what it leaves out and diagnostics for mistakes.

    The default l2h.yml is optional; a config_file given must exist (else L2hError): a mistyped --config
    would otherwise build with the defaults. reads, if given, is told what was read (a build's InputReads).
    """
    root = root.resolve()
    path = config_file if config_file is not None else root / CONFIG_NAME
    if config_file is not None:
        if path.is_dir():  # else reported as unreadable, beside a papers folder missing from the folder above it
            if (path / CONFIG_NAME).is_file():
                raise L2hError(f"config file {config_file} is a folder; name the file: "
                               f"--config {config_file / CONFIG_NAME}")
            raise L2hError(f"config file {config_file} is a folder, with no {CONFIG_NAME} in it; name the review's "
                           f"config file, e.g. --config {CONFIG_NAME}, or give the review's folder as --root")
        root = path.resolve().parent
    default = Config(root=root)
    rel = path.name
    diagnostics: list[Diagnostic] = []
    try:
        doc = load_yaml_file(path, rel, "config-unreadable")
    except FileNotFoundError:  # every setting is optional, and so is the file, unless it was named
        if config_file is not None:
            raise L2hError(f"config file {config_file} does not exist") from None
        if reads is not None:
            reads.note(path, None)
        return default, []
    if reads is not None and not any(p.code == "config-unreadable" for p in doc.problems):
        reads.note(path, doc.text.encode())  # the file's very bytes: it was read as UTF-8 (one that is not fails)
    for p in doc.problems:
        diagnostics.append(error(rel, p.line, p.column, p.code, p.message, p.hint))
    if diagnostics and not isinstance(doc.value, dict):  # after a problem such as a duplicate key, still read the rest
        return default, diagnostics
    data = doc.value if doc.value is not None else {}
    if not isinstance(data, dict):
        return default, [error(rel, 1, 1, "config-not-mapping", f"{rel} must be a mapping of settings",
                               "write settings as 'key: value' lines, e.g. title: My Review")]
    fields = {f.name: f for f in dataclasses.fields(Config) if f.name != "root"}
    values: dict[str, object] = {}
    for key, value in data.items():
        line, column = doc.key_positions.get((key,), (1, 1))
        if key not in fields:
            suggestion = closest(str(key), fields)
            hint = f'did you mean "{suggestion}"?' if suggestion else f"known settings: {', '.join(sorted(fields))}"
            diagnostics.append(error(rel, line, column, "config-unknown-key", f'unknown setting "{key}"', hint))
            continue
        expected = type(getattr(default, key))
        vline, vcol = doc.positions.get((key,), (line, column))
        if (key,) in doc.told:
            continue  # its problem was told; "got an empty value" would be a second error, and a wrong one
        number_hint = f"write a whole number, e.g. {key}: {getattr(default, key)}"
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            kind = {str: "text", bool: "true or false"}.get(expected, "a whole number")
            hint = {str: _text_hint(key, value), bool: f"write {key}: true or {key}: false"}.get(expected, number_hint)
            diagnostics.append(error(rel, vline, vcol, "config-type",
                                     f'setting "{key}" must be {kind}, got {describe_value(value)}', hint))
            continue
        if expected is int and value < 1:
            diagnostics.append(error(rel, vline, vcol, "config-range", f'setting "{key}" must be at least 1, got {value}',
                                     number_hint))
            continue
        values[str(key)] = value
    for key in PATH_SETTINGS:  # the folder "papers extra" of papers_dir: papers + an indented "extra" is never meant
        source = doc.folded.get((key,))
        if source is not None and isinstance(values.get(key), str):
            diagnostics.append(_path_over_lines(rel, key, str(values.pop(key)), source, doc.positions[(key,)]))
    for key in PATH_SETTINGS:  # the folder itself (or a file named by spaces) is never meant
        value = values.get(key)
        if isinstance(value, str) and (not value.strip() or "\0" in value):
            line, column = doc.positions.get((key,), (1, 1))
            kind = "folder" if key.endswith("_dir") else "file"
            code, message = (("config-empty", f'setting "{key}" must not be empty') if not value.strip() else
                             ("config-path", f'setting "{key}" holds a NUL character ("\\0"), which no path may hold'))
            diagnostics.append(error(rel, line, column, code, message,
                                     f"name the {kind}, e.g. {key}: {getattr(default, key)}, or leave the setting out"))
            del values[key]
        elif isinstance(value, str) and ("\n" in value or "\r" in value):  # a block, "papers_dir: |", or a "\n"
            line, column = doc.positions.get((key,), (1, 1))
            shown = json.dumps(value, ensure_ascii=False)
            one = value.strip()
            hint = (f"write the path after the colon, on the setting's own line, without | or >: {key}: {one}"
                    if one and not any(c in one for c in "\r\n") else
                    f"write one path on one line, e.g. {key}: {getattr(default, key)}")
            diagnostics.append(error(rel, line, column, "config-path",
                                     f'setting "{key}" holds a line break ({shown}), which no path of l2h may hold',
                                     hint))
            del values[key]
    papers_dir = values.get("papers_dir")
    if isinstance(papers_dir, str) and is_outside(papers_dir):
        line, column = doc.positions.get(("papers_dir",), (1, 1))
        diagnostics.append(error(rel, line, column, "config-papers-dir",
                                 f'papers_dir "{papers_dir}" is outside the review\'s folder: l2h reads papers from a '
                                 "folder inside it (their pages link to them in the repository)",
                                 "keep the papers in a folder of the review, such as papers, and set papers_dir: papers "
                                 "(or leave the setting out)"))
        del values["papers_dir"]
    base_url = values.get("base_url")
    if isinstance(base_url, str):
        problem = base_url_problem(base_url)
        if problem:
            line, column = doc.positions.get(("base_url",), (1, 1))
            diagnostics.append(error(rel, line, column, "config-base-url", f'base_url "{_masked(base_url)}" {problem}',
                                     _base_url_fix(base_url)))
        elif not base_url.endswith("/"):
            values["base_url"] = base_url + "/"
    repository = values.get("repository")
    if isinstance(repository, str) and repository:  # it goes into a link on every page, as written
        problem = web_address_problem(repository)
        if problem:
            line, column = doc.positions.get(("repository",), (1, 1))
            diagnostics.append(error(rel, line, column, "config-repository", f'repository "{repository}" {problem}',
                                     "write the repository's web address, e.g. https://github.com/OWNER/REPO, "
                                     "or leave it out"))
    output_dir = values.get("output_dir")
    if isinstance(output_dir, str) and output_dir.startswith("~"):  # as --out ~/site is, not a folder named '~'
        try:
            values["output_dir"] = str(Path(output_dir).expanduser())
        except RuntimeError:  # "~nosuchuser/site": no such user, or no home folder to be found
            line, column = doc.positions.get(("output_dir",), (1, 1))
            home = re.split(r"[/\\]", output_dir)[0]
            diagnostics.append(error(rel, line, column, "config-output-dir",
                                     f'output_dir "{output_dir}": there is no home folder {home}',
                                     "set output_dir to a folder of its own, such as _site"))
            del values["output_dir"]
    config = dataclasses.replace(default, **values)  # type: ignore[arg-type]
    for key in ("resources", "contributing"):  # named, a page that is not there is said, not silently left out
        value = values.get(key)
        if isinstance(value, str) and not config.path(value).is_file():
            line, column = doc.positions.get((key,), (1, 1))
            page = key.capitalize()
            if config.path(value).is_dir():
                problem, hint = "is a folder", f"name its markdown file, e.g. {key}: {value.rstrip('/')}/{getattr(default, key)}"
            else:
                problem, hint = "does not exist", f"create {value} (a markdown file: a # title line, then the page)"
            diagnostics.append(warning(rel, line, column, "config-page-missing",
                                       f'{key} "{value}" {problem}, so the site has no {page} page',
                                       f"{hint}, or remove the setting"))
    if "output_dir" in values:  # refused here, it is reported at its line with the file's other problems
        try:
            check_output_dir(config.path(config.output_dir), root, source_folders(config))
        except L2hError as exc:
            line, column = doc.positions.get(("output_dir",), (1, 1))
            said = str(exc).replace(f"{root}{os.sep}", "")  # the folders inside the review, as l2h.yml names them
            diagnostics.append(error(rel, line, column, "config-output-dir", f'output_dir "{output_dir}": {said}',
                                     "set output_dir to a folder of its own, such as _site"))
            config = dataclasses.replace(config, output_dir=default.output_dir)
    return config, diagnostics

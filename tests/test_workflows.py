"""The pull-request path: the workflows and the pre-commit hook run commands the CLI really has."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from l2h_site.cli import _parser

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github/workflows").glob("*.yml"))


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def l2h_commands(path: Path) -> list[str]:
    """Every `l2h …` line of every `run:` step of a workflow."""
    commands = []
    for job in load(path)["jobs"].values():
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).splitlines():
                if line.strip().startswith("l2h "):
                    commands.append(line.strip())
    return commands


def parses(command: str) -> argparse.Namespace:
    try:
        return _parser().parse_args(shlex.split(command)[1:])
    except SystemExit as exc:  # argparse exits on an unknown command or option
        raise AssertionError(f"`{command}` is not a valid l2h command line") from exc


def test_there_are_a_check_and_a_deploy_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["check.yml", "deploy.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_l2h_command_of_a_workflow_exists_in_the_cli(path: Path) -> None:
    commands = l2h_commands(path)
    assert commands
    for command in commands:
        parses(command)


def test_pull_requests_are_checked_with_a_read_only_token() -> None:
    check = load(REPO / ".github/workflows/check.yml")
    assert list(check["on"]) == ["pull_request"]
    assert check["permissions"] == {"contents": "read"}
    commands = [parses(c) for c in l2h_commands(REPO / ".github/workflows/check.yml")]
    assert [(c.command, getattr(c, "format", None), c.strict) for c in commands] == [
        ("check", "github", False), ("build", None, True)]
    for job in check["jobs"].values():
        assert "permissions" not in job
        checkout = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
        assert checkout and checkout[0]["with"]["persist-credentials"] is False
    for path in WORKFLOWS:
        assert "pull_request_target" not in path.read_text(encoding="utf-8")


def test_main_is_built_and_deployed_with_the_official_pages_actions() -> None:
    deploy = load(REPO / ".github/workflows/deploy.yml")
    assert deploy["on"]["push"] == {"branches": ["main"]}
    assert deploy["permissions"] == {"contents": "read"}
    uses = [str(s.get("uses", "")).split("@")[0] for job in deploy["jobs"].values() for s in job["steps"]]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    build = [parses(c) for c in l2h_commands(REPO / ".github/workflows/deploy.yml")]
    upload = [s for s in deploy["jobs"]["build"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages")]
    assert [(c.command, c.strict, str(c.out)) for c in build] == [("build", True, upload[0]["with"]["path"])]


def test_pre_commit_hook_runs_l2h_check_on_paper_files() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["l2h-check"]
    hook = hooks[0]
    args = parses(f"{hook['entry']} papers/weiss2008spectral.md taxonomy.yml")
    assert args.command == "check" and [str(p) for p in args.paths] == ["papers/weiss2008spectral.md", "taxonomy.yml"]
    assert hook["language"] == "python" and hook["pass_filenames"] is True

"""SIGTERM (a cancelled CI job, `kill`, `timeout`, a service manager) stops l2h as Ctrl-C does.

Real `l2h build` and `l2h serve` processes on a generated review, their paper pages slowed down (as in
test_serve_stop.py) so that the signal comes while a pool of forked workers renders them. Before, SIGTERM ended
the build process at once: no message, its staging folder left beside the site, its workers and children left to
finish on their own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import generate_review, snapshot
from test_serve_stop import STOPPED_WITHIN, Serve, _slow_papers, _wait

from l2h_site.cli import main
from l2h_site.write import MARKER

PAPERS = 60
BUILD = [sys.executable, "-m", "l2h_site", "build"]
POOL = {"L2H_JOBS": "2", "L2H_PARALLEL_THRESHOLD": "2"}
"""A pool of two forked workers renders the pages, however small the review."""


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated review with its site built, kept as a pristine copy that each test starts from."""
    root = generate_review(PAPERS, tmp_path_factory.mktemp("terminate") / "review", seed=5)
    subprocess.run([*BUILD, "--quiet"], cwd=root, check=True, timeout=300)
    return root


def _workers(pid: int) -> list[int]:
    """The pool workers the process forked that run now (their command line is the build process's own)."""
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    found = []
    for child in children:
        try:
            if Path(f"/proc/{child}/cmdline").read_bytes() == cmdline:
                found.append(child)
        except OSError:
            pass
    return found


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:  # ended since its parent listed it
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except FileNotFoundError:  # a thread, or the process, that ended since the folder was listed
            continue
        for child in children:
            found += [int(child), *_descendants(int(child))]
    return found


def _runs(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "(ended)"


def _edited_copy(review: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the review with one paper's title changed, and its site (built before the change)."""
    root = tmp_path / "review"
    subprocess.run(["cp", "-a", str(review), str(root)], check=True)
    paper = min((root / "papers").glob("*.md"))
    paper.write_text(paper.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    return root, snapshot(root / "_site")


def _terminate(command: list[str], root: Path, ready: Callable[[int], bool], whole_group: bool = False,
               env: dict[str, str] | None = None) -> None:
    """Run an l2h command in root, send SIGTERM once ready(its pid), and check that it ends at once, as documented,
    its workers and children with it."""
    proc = subprocess.Popen(command, cwd=root, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, **POOL, **(env or {})})
    try:
        _wait(lambda: proc.poll() is not None or ready(proc.pid))
        assert proc.poll() is None, proc.communicate()
        children = _descendants(proc.pid)
        assert children
        if whole_group:  # as a service manager does: every process gets it
            os.killpg(proc.pid, signal.SIGTERM)
        else:  # as `kill` and `timeout` do
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=STOPPED_WITHIN * 4)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode, err) == (143, "l2h: stopped by SIGTERM\n")
    time.sleep(0.2)  # a killed child is reaped by its parent's wait, as it ends
    assert not [_cmdline(pid) for pid in children if _runs(pid)]


def _rendering(pid: int) -> bool:
    """Whether the build's two workers render the (slowed) pages: both forked, and a moment for their first pages."""
    if len(_workers(pid)) < 2:
        return False
    time.sleep(0.5)
    return True


def _left_as_it_was_and_built_on(root: Path, before: dict[str, bytes], tmp_path: Path) -> None:
    """Check that a stopped build left the site as it was (before) and nothing staged, and that the next build
    carries on from what is left, to the site a clean build makes."""
    assert snapshot(root / "_site") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith("._site.l2h-")]  # nothing staged left
    _slow_papers(root, slow=False)
    subprocess.run([*BUILD, "--quiet"], cwd=root, check=True, timeout=300)
    subprocess.run([*BUILD, "--quiet", "--no-cache", "--out", str(tmp_path / "clean")], cwd=root, check=True,
                   timeout=300)
    assert snapshot(root / "_site") == snapshot(tmp_path / "clean") != before


@pytest.mark.parametrize("whole_group", [False, True], ids=["the build process", "its process group"])
def test_sigterm_stops_a_build_and_leaves_the_site_as_it_was(review: Path, tmp_path: Path, whole_group: bool) -> None:
    root, before = _edited_copy(review, tmp_path)
    _slow_papers(root, slow=True)
    _terminate([*BUILD, "--quiet"], root, _rendering, whole_group)
    _left_as_it_was_and_built_on(root, before, tmp_path)


KILLED_WORKER = ("a worker process was killed by SIGKILL (the system ends a process so when memory runs out) amid its "
                 "work, which was lost: l2h stopped, and left the previous site as it was. Run it again; if memory is "
                 "short, with fewer workers (environment variable L2H_JOBS=1: all in one process)")


ONE_WORKER_IDLE = """
import os, sys, time
from l2h_site.cli import Terminated, _stopped_by_sigterm
from l2h_site.diagnostics import L2hError
import l2h_site.parallel as parallel
from l2h_site.parallel import iter_ordered
parallel.WORKER_CHECK_SECONDS = float(os.environ["L2H_TEST_CHECK"])
def work(i):
    if i == 0:
        time.sleep(float(os.environ["L2H_TEST_FIRST"]))
    elif i == 3:  # the other worker's last item: it then waits for a task that does not come
        with open(os.environ["L2H_TEST_MARK"], "w") as mark:
            mark.write(str(os.getpid()))
    return i
try:
    with _stopped_by_sigterm():
        print(list(iter_ordered(work, range(4))))
except Terminated:
    sys.exit(143)
except L2hError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
"""
"""A pool of two workers over four items, one per task: one worker takes the first item, which lasts L2H_TEST_FIRST
seconds, the other the three others, and then waits for a next task (writing its pid to the file L2H_TEST_MARK names
as it begins the last). The build process runs the pool as l2h build does, SIGTERM turned into Terminated, and looks
at the workers every L2H_TEST_CHECK seconds."""


@pytest.mark.parametrize("stop", ["SIGTERM to the group", "SIGKILL to the worker", "SIGKILL, every result sent"])
def test_a_worker_that_waits_for_a_task_ended_by_a_signal_does_not_hang_the_build(tmp_path: Path, stop: str) -> None:
    """A worker waiting for a task holds the lock of the pool's task queue. Ended by the group's SIGTERM there (the
    workers let SIGTERM end them), it never let go of the lock, and the build process, stopping the pool, waited for
    it without end: `l2h build` hung until SIGKILL (seen once in the build test above, whose workers render pages
    of different lengths). The workers now ignore SIGTERM, and the pool ends them as on Ctrl-C. Killed there (as the
    kernel does when memory runs out), the worker leaves the lock held as well: the build stops with an error, and
    gives up waiting for the pool. Killed once every result was sent, it lost nothing (the other worker's result
    comes before the build process looks at the workers): the build goes on, and did not hang as it stopped the
    pool."""
    mark = tmp_path / "last-item"
    timing = {"L2H_TEST_FIRST": "2", "L2H_TEST_CHECK": "60"} if stop == "SIGKILL, every result sent" else {
        "L2H_TEST_FIRST": "60", "L2H_TEST_CHECK": "0.5"}
    proc = subprocess.Popen([sys.executable, "-c", ONE_WORKER_IDLE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            env={**os.environ, **POOL, **timing, "L2H_TEST_MARK": str(mark)})
    try:
        _wait(lambda: proc.poll() is not None or bool(mark.exists() and mark.read_text()))
        time.sleep(0.5)  # the worker is back waiting for a task
        workers = _workers(proc.pid)
        assert len(workers) == 2, proc.communicate()
        if stop == "SIGTERM to the group":
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            os.kill(int(mark.read_text()), signal.SIGKILL)
        out, err = proc.communicate(timeout=STOPPED_WITHIN * 4)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode, out, err) == {"SIGTERM to the group": (143, "", ""),
                                           "SIGKILL to the worker": (2, "", f"{KILLED_WORKER}\n"),
                                           "SIGKILL, every result sent": (0, "[0, 1, 2, 3]\n", "")}[stop]
    time.sleep(0.2)  # a killed worker is reaped by its parent's wait, as it ends
    assert not [pid for pid in workers if _runs(pid)]
    assert not _group(proc.pid)  # nor any worker started in place of the killed one


def _group(pgid: int) -> list[str]:
    """The processes of a process group that run (not ended, as a zombie that nobody has reaped yet is)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(_cmdline(int(entry.name)))
    return found


def test_a_worker_killed_amid_its_pages_stops_the_build_with_an_error_and_leaves_the_site_as_it_was(
        review: Path, tmp_path: Path) -> None:
    """A worker killed while it renders (by the kernel when memory runs out, or by hand) lost its pages, and the pool,
    which replaced it, waited for them without end: the build hung, printing nothing. It now stops, says so, and
    tidies up as on SIGTERM."""
    root, before = _edited_copy(review, tmp_path)
    _slow_papers(root, slow=True)
    proc = subprocess.Popen([*BUILD, "--quiet"], cwd=root, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, **POOL})
    try:
        since: dict[int, float] = {}  # each worker running now, from when it was first seen

        def rendering() -> bool:
            """Whether the same two workers have run for 1 s: the pages' (the other pools are over sooner; with
            0.3 s, once on CI, the worker killed had lost no work and the build went on: likely another pool's, which a
            busy machine can keep that long), each amid its 30 slowed pages, 6 s of them."""
            now, workers = time.monotonic(), _workers(proc.pid)
            for pid in set(since) - set(workers):
                del since[pid]
            for pid in workers:
                since.setdefault(pid, now)
            return len(since) == 2 and all(now - seen >= 1.0 for seen in since.values())

        _wait(lambda: proc.poll() is not None or rendering())
        assert proc.poll() is None, proc.communicate()
        children = _descendants(proc.pid)
        os.kill(min(since), signal.SIGKILL)
        _, err = proc.communicate(timeout=STOPPED_WITHIN * 4)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode, err) == (2, f"l2h: error: {KILLED_WORKER}\n")
    time.sleep(0.2)  # a killed child is reaped by its parent's wait, as it ends
    assert not [_cmdline(pid) for pid in children if _runs(pid)]
    _left_as_it_was_and_built_on(root, before, tmp_path)


SLOW_CHILD_BUILD = """
import os, sys
import l2h_site.corpus as corpus
corpus._CHILD = corpus._CHILD.replace("from l2h_site.corpus import child_main; ", (
    "import os, time, l2h_site.corpus as c; job = c.run_job; "
    "c.run_job = lambda *a: (open(os.environ['L2H_TEST_MARK'], 'w').close(), time.sleep(60), job(*a)); "
    "from l2h_site.corpus import child_main; "))
if os.environ.get("L2H_TEST_SLOW_CONTEXT"):
    import time, l2h_site.build as build
    context = build.build_context
    build.build_context = lambda *a, **k: (time.sleep(60), context(*a, **k))[1]
from l2h_site.cli import main
sys.exit(main(sys.argv[1:]))
"""
"""l2h, its child for related papers and the topic map taking a minute over its job (after making the file that
L2H_TEST_MARK names); with L2H_TEST_SLOW_CONTEXT, the build taking a minute over the summaries meanwhile."""


@pytest.mark.parametrize(("threshold", "slow_context"), [("2", ""), ("1000", ""), ("1000", "1")],
                         ids=["started before the checks", "started after them", "stopped in the summaries"])
def test_sigterm_while_a_build_waits_for_related_papers_ends_their_child(review: Path, tmp_path: Path,
                                                                         threshold: str, slow_context: str) -> None:
    """The build's own child, computing related papers for a changed paper, is stopped with it. Before, it ran on
    for as long as its job took (a minute at 20,000 papers). A review below the threshold gets no child before its
    checks (build._early_child): its child, started once they pass, was left running."""
    root, _ = _edited_copy(review, tmp_path)
    mark = tmp_path / "job-started"
    _terminate([sys.executable, "-c", SLOW_CHILD_BUILD, "build", "--quiet"], root, lambda _: mark.exists(),
               env={"L2H_TEST_MARK": str(mark), "L2H_PARALLEL_THRESHOLD": threshold,
                    "L2H_TEST_SLOW_CONTEXT": slow_context})


SIGTERM_IN_A_FORK_HOOK = """
import os, signal, sys
from l2h_site.cli import main
sent = []
def after_fork() -> None:  # Python code the build process runs after it forks a worker, as logging's own hook
    if not sent:
        os.kill(os.getpid(), signal.SIGTERM)
        sent.append(1)  # the handler runs before this line, in the hook
os.register_at_fork(after_in_parent=after_fork)
sys.exit(main(sys.argv[1:]))
"""
"""l2h, getting SIGTERM while it runs the hooks that Python calls after forking a pool's worker."""
SIGTERM_IN_POOL = """
import os, signal, sys, threading
from l2h_site.cli import main
start, sent = threading.Thread.start, []
def start_then_sigterm(self: threading.Thread) -> None:
    start(self)
    if "_handle_workers" in self.name and not sent:  # the pool's thread that replaces its workers as they end
        os.kill(os.getpid(), signal.SIGTERM)
        sent.append(1)  # the handler runs before this line: in Pool(), once that thread runs
threading.Thread.start = start_then_sigterm
sys.exit(main(sys.argv[1:]))
"""
"""l2h, getting SIGTERM while it makes its first pool of workers."""
SIGTERM_IN_A_DEL = """
import os, signal, sys
import l2h_site.build as build
from l2h_site.cli import main
class Dropped:
    def __del__(self) -> None:  # as a finalizer that Python runs where it drops exceptions
        os.kill(os.getpid(), signal.SIGTERM)
        self.sent = True  # the handler runs before this line, in __del__
context = build._context
build._context = lambda *args: (Dropped(), context(*args))[1]
sys.exit(main(sys.argv[1:]))
"""
"""l2h, getting SIGTERM while it runs an object's __del__ (before it computes what the pages are made from)."""


def _in_session(sid: int) -> list[str]:
    """The processes of a session that run (not yet reaped ones aside)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(_cmdline(int(entry)))
    return found


@pytest.mark.parametrize("script", [SIGTERM_IN_A_FORK_HOOK, SIGTERM_IN_POOL, SIGTERM_IN_A_DEL],
                         ids=["a fork's hook", "Pool()", "__del__"])
def test_sigterm_at_an_awkward_moment_stops_the_build_and_every_worker(review: Path, tmp_path: Path,
                                                                        script: str) -> None:
    """In an at-fork hook or a __del__, Python drops the exception (printing 'Exception ignored in'): the build went
    on to its end, wrote the site, exited with 0 and ignored any further SIGTERM. In Pool(), once its threads ran: nobody
    terminated that pool, whose thread forked new workers as the others ended, left running after l2h (holding its
    pipes, so that whatever read them waited), or l2h hung at exit. Found by sending SIGTERM at random moments (once
    in about twenty builds)."""
    root, before = _edited_copy(review, tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", script, "build", "--quiet"], cwd=root, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, **POOL})
    try:
        _, err = proc.communicate(timeout=60)
        time.sleep(0.2)  # a worker ending with the build
        assert not _in_session(proc.pid)
    finally:
        if _in_session(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode, err) == (143, "l2h: stopped by SIGTERM\n")
    assert snapshot(root / "_site") == before
    assert not [p.name for p in root.iterdir() if p.name.startswith("._site.l2h-")]


def test_sigterm_stops_the_server_as_ctrl_c_does(review: Path, tmp_path: Path) -> None:
    root = tmp_path / "review"
    subprocess.run(["cp", "-a", str(review), str(root)], check=True)
    server = Serve(root)
    try:
        server.wait_for("l2h: serving ")
        time.sleep(0.5)  # the previews
        children = server.children()
        assert children  # the warm child
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=STOPPED_WITHIN)
    finally:
        server.kill()
    time.sleep(0.2)  # the reader thread has the last lines
    assert server.proc.returncode == 0
    assert "".join(server.text).endswith("l2h: server stopped\n") and "Traceback" not in "".join(server.text)
    assert not [pid for pid in children if _runs(pid)]


def test_the_handler_is_set_only_while_a_command_runs(tmp_path: Path) -> None:
    """l2h's main() called in a process of its own (tests, scripts) leaves that process's SIGTERM as it was."""
    seen: list[int] = []

    def handler(signum: int, frame: object) -> None:
        seen.append(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        assert main(["check", "--root", str(tmp_path)]) == 1  # an empty folder: no taxonomy.yml, no papers
        assert signal.getsignal(signal.SIGTERM) is handler
        os.kill(os.getpid(), signal.SIGTERM)
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_an_ignored_sigterm_stays_ignored_and_the_build_completes(review: Path, tmp_path: Path) -> None:
    """Started with SIGTERM ignored (`trap '' TERM` in a script, a service manager told to), l2h leaves it so, as Python
    leaves an ignored SIGINT, and so do its pool's workers. Before, l2h set its handler anyway: the build stopped (143),
    its site not updated; and a worker set SIGTERM back to its default, so that the whole group's ended the workers
    amid their pages, whose results the build then waited for without end. The signal goes to the whole group, the
    build process included (a SIGTERM to it alone was a second test, which checked nothing this one does not)."""
    root, _ = _edited_copy(review, tmp_path)
    _slow_papers(root, slow=True)
    ignoring = ["sh", "-c", "trap '' TERM; exec \"$@\"", "sh"]  # the shell's way to start a program with it ignored
    proc = subprocess.Popen([*ignoring, *BUILD, "--quiet"], cwd=root, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, **POOL})
    try:
        _wait(lambda: proc.poll() is not None or _rendering(proc.pid))
        os.killpg(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    _slow_papers(root, slow=False)
    clean = subprocess.run([*BUILD, "--quiet", "--no-cache", "--out", str(tmp_path / "clean")], cwd=root, check=True,
                           capture_output=True, text=True, timeout=300)
    assert (proc.returncode, err) == (0, clean.stderr)  # its notes (no paper has an added: date) and nothing more
    site, expected = snapshot(root / "_site"), snapshot(tmp_path / "clean")
    assert site.pop(MARKER) != expected.pop(MARKER)  # the hash of what built it: the slowed template, the other not
    assert site == expected


LATE_SIGTERM = """
import os, signal, sys
import l2h_site.cli as cli
owner, set_handler, run, sent = os.getpid(), signal.signal, cli._run, []
def sigterm(at: str) -> None:
    if sys.argv[1] == at and os.getpid() == owner and not sent:
        sent.append(1)
        signal.raise_signal(signal.SIGTERM)  # its handler runs here, at once
def run_then_sigterm(*args):
    code = run(*args)
    sigterm("after the command")  # _run has returned: its own except clauses are behind
    return code
def set_with_sigterm(signum, handler):
    if signum == signal.SIGTERM and handler is signal.SIG_DFL:  # l2h sets its handler back
        sigterm("as the handler is set back")  # as a SIGTERM that came just before: signal.signal handles it first
    previous = set_handler(signum, handler)
    if signum == signal.SIGTERM and previous is signal.SIG_DFL:  # l2h has set its handler
        sigterm("as the handler is set")
    return previous
cli._run, signal.signal = run_then_sigterm, set_with_sigterm
code = cli.main(sys.argv[2:])
print("handler set back:", signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
sys.exit(code)
"""
"""l2h, getting SIGTERM (argv[1] says when) as its command begins or ends, outside the command's own except clauses."""


@pytest.mark.parametrize("at", ["as the handler is set", "after the command", "as the handler is set back"])
def test_sigterm_as_the_command_begins_or_ends_stops_l2h_cleanly(review: Path, tmp_path: Path, at: str) -> None:
    """Before, the Terminated that the handler raised there went up through main(): a traceback and exit 1 (as the
    command ends: after it ran in full)."""
    root = tmp_path / "review"
    subprocess.run(["cp", "-a", str(review), str(root)], check=True)
    ran = subprocess.run([*BUILD, "--quiet"], cwd=root, capture_output=True, text=True, check=True, timeout=120).stderr
    proc = subprocess.run([sys.executable, "-c", LATE_SIGTERM, at, "build", "--quiet"], cwd=root, capture_output=True,
                          text=True, check=False, timeout=120)
    printed = "" if at == "as the handler is set" else ran  # the build's notes (no paper has an added: date)
    assert (proc.returncode, proc.stdout, proc.stderr) == (143, "handler set back: True\n",
                                                           printed + "l2h: stopped by SIGTERM\n")


def _writing_to_a_full_pipe(pid: int) -> bool:
    """Whether the process waits to write to a pipe whose reader does not read."""
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def test_sigterm_stops_a_build_whose_report_waits_for_a_reader_that_does_not_read(tmp_path: Path) -> None:
    """A report larger than a pipe holds, to a reader that has stopped emptying it (a stalled CI log): SIGTERM stopped
    nothing, as the message it prints waited for the same pipe, and a second SIGTERM was ignored; only SIGKILL ended
    l2h. It ends with 143, the message sent nowhere."""
    root = generate_review(200, tmp_path / "review", seed=7)
    for path in (root / "papers").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace("tags: [", "tags: [No Such Tag, Nor This, ", 1),
                        encoding="utf-8")
    proc = subprocess.Popen([*BUILD, "--quiet"], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait(lambda: proc.poll() is not None or _writing_to_a_full_pipe(proc.pid))
        assert proc.poll() is None, "the build ended before its report filled the pipe"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOPPED_WITHIN * 4) == 143
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


SIGNAL_WHILE_MOVING_IN = """
import os, signal, sys
import l2h_site.write as write
from l2h_site.cli import main
real = write._finish_update
def finish(tmp, out):  # the signal comes as the first page is moved in, as a Ctrl-C a moment too late does
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
    real(tmp, out)
write._finish_update = finish
sys.exit(main(sys.argv[2:]))
"""
"""l2h, getting the signal argv[1] names while its update moves the staged pages into the site."""


@pytest.mark.parametrize("name, code, said", [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "stopped by SIGTERM")])
def test_a_signal_while_the_new_site_is_put_in_place_waits_until_it_is_and_says_so(
        review: Path, tmp_path: Path, name: str, code: int, said: str) -> None:
    """Before, the signal stopped the moves midway: a site part old, part new, the staging folder left beside it, and
    the message "interrupted" (documented as: the previous site is left as it was)."""
    root, before = _edited_copy(review, tmp_path)
    proc = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_MOVING_IN, name, "build", "--quiet"], cwd=root,
                          capture_output=True, text=True, check=False, timeout=120)
    assert (proc.returncode, proc.stderr) == (
        code, f"l2h: {said} once the new site was in place: _site holds this build's site\n")
    assert not [p.name for p in root.iterdir() if p.name.startswith("._site.l2h-")]  # nothing staged left
    subprocess.run([*BUILD, "--quiet", "--no-cache", "--out", str(tmp_path / "clean")], cwd=root, check=True,
                   timeout=300)
    assert snapshot(root / "_site") == snapshot(tmp_path / "clean") != before

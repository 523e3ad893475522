"""Time how long `l2h serve` takes to end after Ctrl-C, in each phase of its life.

    python benchmarks/stop.py 5000              # corpus from benchmarks/run.py's --work folder
    python benchmarks/stop.py 5000 --rounds 3 --group

Starts a real `l2h serve` (this checkout's code) on the corpus, sends it SIGINT (with --group, to its
whole process group, as a terminal's Ctrl-C does, so its child gets it too) in each phase, and prints
the seconds from the signal to the process's end, its exit status, and whether any process it had started
was still running after it ended. Phases: during a cold first build (no cache), during a first build with
the cache but without the served site, right after it serves a site found up to date (while it prepares the
previews), the same when the cache lost related papers (the previews compute them in a child process), during a
rebuild after one paper was edited, and idle.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ENV, L2H, corpus, edit_one_paper


class Server:
    """A running `l2h serve`, with the lines it printed as they come."""

    def __init__(self, root: Path, group: bool) -> None:
        self.group = group
        self.proc = subprocess.Popen([*L2H, "serve", "--root", str(root), "--port", "0"],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     env={**ENV, "PYTHONUNBUFFERED": "1"},
                                     start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.text: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.text.append(line)
            self.lines.put(line)

    def wait_for(self, *starts: str, timeout: float = 600.0) -> None:
        """Wait for a line that starts with one of starts."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line.startswith(starts):
                return

    def children(self) -> set[int]:
        """Every process this one started that still runs (and theirs)."""
        found: set[int] = set()
        todo = [self.proc.pid]
        while todo:
            pid = todo.pop()
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        todo += [int(c) for c in handle.read().split()]
            except OSError:
                continue
            if pid != self.proc.pid:
                found.add(pid)
        return found

    def interrupt(self) -> tuple[float, int, int]:
        """Send SIGINT; return the seconds until the process ended, its exit status and its children left running."""
        started_children = self.children()
        started = time.perf_counter()
        if self.group:
            os.killpg(self.proc.pid, signal.SIGINT)
        else:
            self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=600)
        seconds = time.perf_counter() - started
        time.sleep(0.2)
        left = [pid for pid in started_children if Path(f"/proc/{pid}").exists()
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        if "Traceback" in "".join(self.text):
            print("".join(self.text))
        return seconds, self.proc.returncode, len(left)


def settle(root: Path) -> None:
    """Run l2h serve until the site it serves is up to date and what previews need is ready, then stop it."""
    server = Server(root, False)
    server.wait_for("l2h: serving ")
    time.sleep(6.0)
    server.interrupt()


def measure(root: Path, phase: str, group: bool, delay: float) -> tuple[float, int, int]:
    """Start l2h serve on root, bring it to the phase, interrupt it; return what Server.interrupt returns."""
    if phase == "cold first build":
        shutil.rmtree(root / ".l2h-cache", ignore_errors=True)
    if phase == "first build, cache kept":
        shutil.rmtree(root / ".l2h-cache" / "serve", ignore_errors=True)
    if phase == "related papers lost":
        shutil.rmtree(root / ".l2h-cache" / "related", ignore_errors=True)
    server = Server(root, group)
    if phase.endswith("first build") or phase == "first build, cache kept":
        time.sleep(delay)
    else:
        server.wait_for("l2h: serving ")
    if phase == "rebuild":
        time.sleep(6.0)  # the previews are ready
        edit_one_paper(root)
        server.wait_for("l2h: change detected", "l2h: updated ")  # rebuilding (after the edited page's preview)
        time.sleep(delay)
    elif phase == "idle":
        time.sleep(6.0)
    elif phase == "related papers lost":
        time.sleep(delay)
    return server.interrupt()


def main() -> None:
    """Measure each phase."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--group", action="store_true", help="signal the whole process group, as a terminal does")
    parser.add_argument("--phases", default="cold first build,first build, cache kept,previews,related papers lost,"
                                            "rebuild,idle")
    args = parser.parse_args()
    root = corpus(args.n, args.seed, args.work)
    phases = [p for p in ("cold first build", "first build, cache kept", "previews", "related papers lost",
                          "rebuild", "idle") if p in args.phases]
    for phase in phases:
        delays = {"cold first build": (2.0, 6.0, 12.0), "first build, cache kept": (1.0, 3.0), "rebuild": (0.0, 0.5, 1.0, 1.5),
                  "related papers lost": (1.5, 2.5)}
        for delay in delays.get(phase, (0.0,)):
            for _ in range(args.rounds):
                if phase in ("previews", "related papers lost", "rebuild", "idle"):
                    settle(root)
                seconds, status, left = measure(root, phase, args.group, delay)
                print(f"N = {args.n}: {phase} (+{delay:.1f} s): stopped {seconds:.2f} s after SIGINT, exit status "
                      f"{status}, {left} child process(es) left running", flush=True)


if __name__ == "__main__":
    main()

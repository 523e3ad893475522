"""Build synthetic reviews of several sizes and print how long each kind of build takes.

    python benchmarks/run.py                      # N = 500, 5000, 20000
    python benchmarks/run.py --sizes 500 5000 --profile 5000

For each N: a cold build (no output folder, no cache), a warm build (nothing changed), and a
build after editing one paper. Every build is a fresh `l2h build` process of
the l2h in this checkout (PYTHONPATH=src, its bytecode compiled once, as an installed l2h's is), timed from outside
(wall clock, interpreter start-up included) with the peak resident memory of its largest process from
wait4() and the peak of the memory all its processes (workers, Pagefind) use together. Corpora
are generated once per size and seed into --work (default /tmp/l2h-bench). `--profile N` also
runs one cold build of size N under cProfile and prints the functions that dominate.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate

L2H = [sys.executable, "-m", "l2h_site"]
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(HERE.parent / "src")}
"""Children import the l2h of this checkout, whatever is installed, from its compiled bytecode (src/l2h_site/__pycache__,
which git ignores), as an installed l2h is: with PYTHONDONTWRITEBYTECODE set, as on some machines, every process would
compile l2h's source again, about 0.2 s that no user's build spends (compile_l2h writes it once)."""


def compile_l2h() -> None:
    """Write the bytecode of this checkout's l2h (see ENV), as installing it does, before anything is timed."""
    compileall.compile_dir(HERE.parent / "src" / "l2h_site", quiet=1)


@dataclass
class Run:
    """One measured build."""

    seconds: float
    peak_mb: float
    returncode: int
    output: str
    total_mb: float = 0.0
    """Highest sum of the proportional set sizes (PSS) of the build and all its processes, sampled."""
    lost: int = 0
    """Moments not sampled: each time the processes kept starting or ending over six tries 5 ms apart."""


def tree_pss_mb(pid: int) -> float | None:
    """The memory a process and its descendants use together now: the sum of their PSS (shared pages split).

    A child started with vfork() shares its parent's memory until it runs its program, and reports the very
    same figures meanwhile: it is not counted twice. The processes are read one after the other: a worker forked
    (or one ended) between two reads would count pages twice (the build process read alone, with all its pages,
    then a new worker with its share of the same pages), so a sample during which the set of processes changed is
    None, not a figure.
    """
    before = _tree(pid)
    total = 0
    read: set[int] = set()
    todo: list[tuple[int, tuple[int, int] | None]] = [(pid, None)]
    while todo:
        current, parents = todo.pop()
        read.add(current)  # if it ended meanwhile, _tree no longer finds it: the sample is dropped
        try:
            sizes = {line.split(":")[0]: int(line.split()[1])
                     for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines()[1:]}
            mine = (sizes.get("Rss", 0), sizes.get("Pss", 0))
            if mine != parents:
                total += mine[1]
            todo += [(int(c), mine) for c in _children(current)]
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024 if before == read == _tree(pid) else None


def _children(pid: int) -> list[str]:
    """The children of every thread of a process: a pool's helper threads may start processes too."""
    return [c for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def _tree(pid: int) -> set[int]:
    """A process and its descendants (those that can be read)."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        try:
            todo += [int(c) for c in _children(current)]
        except (OSError, ValueError):
            continue
    return found


def timed(cmd: list[str], cwd: Path, timeout: float) -> Run:
    """Run a command: its wall time, its largest process's peak RSS (wait4) and the peak PSS of all its processes.

    Forked workers share most of their memory with the build process, so RSS counts those pages in
    every process; PSS splits each shared page between the processes that map it, so their sum is
    what the build occupies. It is sampled every tenth of a second (Linux only; 0 elsewhere).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV)
    deadline = started + timeout
    total = 0.0
    polls = retries = dropped = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        if polls % 20 == 0 or retries:  # reading every process's page tables costs CPU: ten times a second
            sample = tree_pss_mb(proc.pid)
            total = max(total, sample or 0.0)
            # a sample dropped (processes started or ended meanwhile) is taken again 5 ms later, up to 5 times: a
            # peak while a pool of workers starts was otherwise missed for the next tenth of a second
            retries = (retries + 1) % 6 if sample is None else 0
            dropped += sample is None and not retries
        polls += 1
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, output, total, dropped)


def count_files(folder: Path) -> int:
    """Count the files of a built site (the l2h marker file excluded)."""
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.name != ".l2h-site")


def corpus(n: int, seed: int, work: Path) -> Path:
    """Return the corpus of n papers, generating it the first time."""
    root = work / f"corpus-{n}-seed{seed}"
    if not (root / "papers").is_dir() or len(os.listdir(root / "papers")) != n:
        shutil.rmtree(root, ignore_errors=True)
        started = time.perf_counter()
        generate(n, root, seed)
        print(f"  generated {n} papers in {time.perf_counter() - started:.1f} s", flush=True)
    for folder in ("templates", "static"):  # always this checkout's, so the corpus matches the code
        shutil.rmtree(root / folder)
        shutil.copytree(HERE.parent / folder, root / folder)
    return root


def edit_one_paper(root: Path, papers: str = "papers") -> None:
    """Change one sentence of one paper's summary (in root's folder `papers`), as a contributor would."""
    paper = sorted((root / papers).iterdir())[len(os.listdir(root / papers)) // 2]
    text = paper.read_text(encoding="utf-8")
    marker = "\nEdited for the benchmark."
    text = text.replace(marker, "") if marker in text else text.rstrip("\n") + marker + "\n"
    paper.write_text(text, encoding="utf-8")


def bench(n: int, seed: int, work: Path, timeout: float, extra: list[str],
          cold_only: bool = False) -> dict[str, Run | int]:
    """Measure cold, warm and one-edit builds of one corpus."""
    root = corpus(n, seed, work)
    out = root / "_site"
    cmd = [*L2H, "build", "--quiet", *extra]
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".l2h-cache", ignore_errors=True)
    results: dict[str, Run | int] = {"cold": timed(cmd, root, timeout)}
    if not cold_only:
        results["warm"] = timed(cmd, root, timeout)
        edit_one_paper(root)
        results["edit"] = timed(cmd, root, timeout)
    results["pages"] = count_files(out) if out.is_dir() else 0
    return results


def profile(n: int, seed: int, work: Path, top: int) -> None:
    """Run one cold build under cProfile and print what dominates."""
    root = corpus(n, seed, work)
    shutil.rmtree(root / "_site", ignore_errors=True)
    shutil.rmtree(root / ".l2h-cache", ignore_errors=True)
    stats = work / f"profile-{n}.pstats"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "l2h_site", "build", "--quiet"],
                   cwd=root, check=False, env=ENV)
    import pstats

    print(f"\n## cProfile of a cold build, N = {n} (cumulative time)\n")
    pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(top)
    print(f"\n## cProfile of a cold build, N = {n} (own time)\n")
    pstats.Stats(str(stats)).sort_stats("tottime").print_stats(top)


def machine() -> str:
    """Describe the machine the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores available, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main() -> None:
    """Parse the command line and print a table of results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/l2h-bench"))
    parser.add_argument("--timeout", type=float, default=1800, help="give up on one build after this many seconds")
    parser.add_argument("--profile", type=int, nargs="*", default=[], help="also profile a cold build of these sizes")
    parser.add_argument("--top", type=int, default=30, help="functions to show per profile")
    parser.add_argument("--cold-only", action="store_true", help="measure only the cold build")
    parser.add_argument("l2h_args", nargs="*", help="extra arguments for l2h build (after --)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    compile_l2h()
    startup = timed([*L2H, "--version"], args.work, 60)
    print(f"l2h start-up (l2h --version): {startup.seconds:.2f} s\n")
    header = ("| papers | pages written | cold build | warm build (no change) | one paper edited "
              "| peak RSS (largest process) | peak memory (all processes, PSS) |")
    rows = [header, "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in args.sizes:
        print(f"N = {n}", flush=True)
        r = bench(n, args.seed, args.work, args.timeout, args.l2h_args, args.cold_only)
        runs = [x for x in (r.get("cold"), r.get("warm"), r.get("edit")) if isinstance(x, Run)]
        for name, run in zip(("cold", "warm", "edit"), runs):
            status = "" if run.returncode == 0 else f"  (exit {run.returncode}: {run.output.strip()[-300:]})"
            print(f"  {name:5} {run.seconds:8.2f} s  peak {run.peak_mb:7.0f} MB (largest process), "
                  f"{run.total_mb:5.0f} MB (all processes"
                  f"{f'; {run.lost} moments not sampled' if run.lost else ''}){status}", flush=True)
        cells = [f"{x.seconds:.2f} s" if x.returncode == 0 else f"failed ({x.returncode})" for x in runs]
        cells += ["not run"] * (3 - len(cells))
        peak = max(x.peak_mb for x in runs)
        total = max(x.total_mb for x in runs)
        rows.append(f"| {n:,} | {r['pages']:,} | {cells[0]} | {cells[1]} | {cells[2]} | {peak:.0f} MB | {total:.0f} MB |")
    print("\n" + "\n".join(rows))
    for n in args.profile:
        profile(n, args.seed, args.work, args.top)


if __name__ == "__main__":
    main()

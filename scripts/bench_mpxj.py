"""MPXJ's read of MSPDI files in a warm JVM, for comparison with `cargo bench --bench mspdi_import`.

Usage: python3 scripts/bench_mpxj.py FILE.xml [FILE.xml ...]
For each file: warm-up reads until the JVM has compiled the reader, then timed reads; prints the
median and range, and the counts MPXJ sees (tasks, milestones, links, calendar exceptions,
baseline starts), so that a KeyWorks export can be checked with it too.
"""
import statistics
import sys
import time

import mpxj  # noqa: F401  (must be imported before the JVM starts: it puts MPXJ on the class path)
import jpype

jpype.startJVM("-Xmx6g")
from org.mpxj.mspdi import MSPDIReader  # noqa: E402


def counts(project):
    tasks = [t for t in project.getTasks() if t.getUniqueID() is not None and t.getOutlineLevel() is not None and int(t.getOutlineLevel()) > 0 and not t.getNull()]
    milestones = sum(1 for t in tasks if t.getMilestone())
    links = sum(len(t.getPredecessors()) for t in tasks)
    cal = project.getDefaultCalendar()
    exceptions = len(cal.getCalendarExceptions()) if cal is not None else 0
    baselines = sum(1 for t in tasks if t.getBaselineStart() is not None)
    return len(tasks), milestones, links, exceptions, baselines


def main():
    for path in sys.argv[1:]:
        reader = MSPDIReader()
        warm, timed = (5, 7) if "100000" not in path else (1, 3)
        for _ in range(warm):
            project = reader.read(path)
        times = []
        for _ in range(timed):
            start = time.perf_counter()
            project = reader.read(path)
            times.append(time.perf_counter() - start)
        t, m, l, e, b = counts(project)
        print(
            f"{path}: MPXJ read median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {timed} reads after {warm} warm-up); "
            f"sees {t} tasks, {m} milestones, {l} links, {e} calendar exceptions, {b} baseline starts",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Shared parts of the benchmarks in tests/bench: the machine a report was
measured on, and statements timed by psql on a test stack's cluster."""

import os
import platform
import re
import subprocess

from harness import PG_BIN


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
        with open("/proc/meminfo") as f:
            mem_kb = int(next(l.split()[1] for l in f if l.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    pg = subprocess.run([os.path.join(PG_BIN, "postgres"), "--version"], stdout=subprocess.PIPE,
                        universal_newlines=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1048576, 1),
            "kernel": platform.release(), "postgresql": pg, "python": platform.python_version()}


def psql_timed(s, statements, user="fayuan"):
    """Runs statements in one psql session with \\timing; returns the ms of each."""
    args = [os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", s.run_dir,
            "-p", str(s.pgport), "-U", user, "-d", "fayuan"]
    script = "\\timing on\n" + "\n".join(statements) + "\n"
    r = subprocess.run(args, input=script, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("psql failed: %s" % r.stderr)
    return [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", r.stdout, re.M)]

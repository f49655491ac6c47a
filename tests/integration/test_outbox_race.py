#!/usr/bin/env python3
"""Runs the C program outbox_race (cmocka) against a private PostgreSQL: the
outbox's seq stays gap-free and in commit order under concurrent writers."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Stack, check, done  # noqa: E402

with Stack() as s:
    prog = os.path.join(s.build, "tests", "integration", "outbox_race")
    dsn = "host=%s port=%d dbname=fayuan user=fayuan" % (s.run_dir, s.pgport)
    r = subprocess.run([prog], env=dict(os.environ, FAYUAN_TEST_DSN=dsn), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    for line in r.stdout.splitlines():
        print("# " + line)
    check("outbox_race: migrations idempotent, seq gap-free in commit order under 4 writers",
          r.returncode == 0 and "[  PASSED  ] 2 test(s)." in r.stdout)
done()

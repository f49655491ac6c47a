#!/usr/bin/env python3
"""The harness itself: a private PostgreSQL cluster and a complete config, no daemons."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import Stack, check, done, sign  # noqa: E402

with Stack() as s:
    check("cluster answers select 1", s.sql1("select 1") == "1")
    check(
        "connected as fayuan to database fayuan",
        s.sql("select current_user, current_database()") == [("fayuan", "fayuan")],
    )
    check("durability is on", s.sql1("select current_setting('fsync') || current_setting('synchronous_commit')") == "onon")
    check("no TCP listener", s.sql1("select current_setting('listen_addresses')") == "")

    rows = s.sql("select %s::text, %s::int, %s::text is null, %s::text", "it's \"quoted\"; --", 42, None, "100%")
    check("sql parameters are quoted, None is NULL", rows == [("it's \"quoted\"; --", "42", "t", "100%")], rows)
    check("literal %% with parameters", s.sql1("select 'a%%' || %s", "b") == "a%b")
    rows = s.sql("select g, case when g = 2 then null else 'x|' || g end from generate_series(1, 3) g")
    check("several rows, NULLs and separators", rows == [("1", "x|1"), ("2", None), ("3", "x|3")], rows)
    check("empty result", s.sql("select 1 where false") == [])
    rows = s.sql("select '', E'two\\nlines, \"quoted\"'")
    check("empty strings, newlines, commas and quotes in values", rows == [("", 'two\nlines, "quoted"')], rows)

    text = s.conf_text()
    left = re.findall(r"@[A-Z_]+@", text)
    check("config has no leftover placeholders", not left, left)
    check("config names the stack's socket dir", "host=%s port=%d" % (s.run_dir, s.pgport) in text)
    check("config has the HTTP port and secrets",
          "http_port = %d" % s.http_port in text
          and "hotline_secret = %s" % s.hotline_secret in text
          and "quality_secret = %s" % s.quality_secret in text
          and s.hotline_secret != s.quality_secret)
    check("config is private", os.stat(s.conf_path).st_mode & 0o077 == 0)
    body = '{"id":"h1","lawyer":"13303200000000001","event":"sign_in","at":"2026-01-05T09:00:00+08:00"}'
    ossl = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", s.hotline_secret],
        input=("1767574800." + body).encode(), stdout=subprocess.PIPE, check=True,
    ).stdout.decode().split()[-1]
    check("signature matches openssl's HMAC-SHA256 of '<ts>.<body>'",
          sign(s.hotline_secret, 1767574800, body) == ossl)
    stack_dir = s.dir

check("stack dir removed on exit", os.environ.get("KEEP") == "1" or not os.path.exists(stack_dir))
done()

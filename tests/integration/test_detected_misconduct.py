#!/usr/bin/env python3
"""Deductions that other services detect arrive as MisconductDetected events
and land in the same ledger as staff deductions: counted at once, or (1.6,
2.2) reported for staff to verify. The events are written into rosterd's and
assignd's outboxes exactly as those daemons' outbox module writes them (one
transaction: bump outbox_head, insert the row), since neither detects
misconduct yet; scored finds them by its poll of the producers' heads."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fyproto import field  # noqa: E402
from fytime import at, days_of, previous_quarter  # noqa: E402
from harness import Stack, check, done  # noqa: E402


def misconduct(lawyer, code, at_us, note, source):
    """fayuan.MisconductDetected, protobuf wire format."""
    return (field(1, lawyer) + field(2, code) + field(3, at_us) + field(4, note)
            + field(5, source)).hex()


def publish(s, producer, payload_hex, at_us):
    s.publish(producer, "MisconductDetected", bytes.fromhex(payload_hex), occurred_at=at_us)


prev_q, first, last = previous_quarter()
day = days_of(first, last, 2)[3]
with Stack(daemons="all") as s:
    (L,) = licences(1, prefix="13303207")
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv([L]))
    check("lawyer imported", s.ctl("import", "lawyers", path)[0] == 0)
    s.wait_until(lambda: s.sql1("select count(*) from score.lawyers") == "1", 10, "read-model")
    # 2026-style instant for a day of the previous quarter, 09:00 local
    import datetime
    t = int(datetime.datetime.fromisoformat(at(day, 9)).timestamp() * 1e6)
    s.stop("roster")
    s.stop("assign")
    publish(s, "roster", misconduct(L, "1.1.2", t, "值班缺勤", "shift:demo-1"), t)
    publish(s, "assign", misconduct(L, "2.1", t, "无正当理由拒绝指派", "case:K-9"), t)
    publish(s, "roster", misconduct(L, "1.6", t, "来电不满意", "call:c-7"), t)

    def pts():
        rc, js, err = s.ctl_json("standings", "--quarter", prev_q, "--json")
        return js["members"][0]["points"] if rc == 0 and js and js["members"] else None
    s.wait_until(lambda: pts() == -4, 15, "detected deductions counted")
    check("absence (1.1.2) and refusal (2.1) counted at once: -2 -2", pts() == -4, pts())
    rows = sorted(s.sql("select rule_code, status from score.deductions"))
    check("1.6 waits for verification", rows == [("d1.1.2", "counted"), ("d1.6", "reported"),
                                                ("d2.1", "counted")], rows)
    rid = s.sql1("select id from score.deductions where rule_code = 'd1.6'")
    rc, out, err = s.ctl("deduction", "verify", rid)
    check("staff verify it", rc == 0, (out, err))
    s.wait_until(lambda: pts() == -8, 10, "verified")
    check("verified attitude complaint deducted (-4)", pts() == -8, pts())
    s.start("roster")
    s.start("assign")
    s.restart("score")
    time.sleep(1.5)
    check("a restart applies nothing twice", pts() == -8
          and s.sql1("select count(*) from score.deductions") == "3", pts())
    rc, js, err = s.ctl_json("points", "explain", L, "--quarter", prev_q, "--json")
    check("explain names the detected records",
          rc == 0 and any("shift:demo-1" in e["note"] for e in js["entries"]), js)
done()

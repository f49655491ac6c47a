#!/usr/bin/env python3
"""kill -9 in the middle of a stream: every daemon in turn — scored, rosterd,
gatewayd, notifyd, registryd (while staff import a second list) and assignd —
is killed while duplicated, reordered hotline records keep coming; they are
restarted, and the final totals must be exactly right — nothing lost, nothing
counted twice."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import expected_totals, feed, lawyers_csv, licences, shifts  # noqa: E402
from fytime import previous_quarter  # noqa: E402
from harness import Stack, check, done, note  # noqa: E402

N_LAWYERS, PER_LAWYER, BATCH = 60, 15, 10
conf = {"roster": {"holidays": "", "workdays": ""}}

with Stack(daemons="all", conf=conf) as s:
    lics = licences(N_LAWYERS)
    path = os.path.join(s.dir, "lawyers.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv(lics))
    rc, out, err = s.ctl("import", "lawyers", path)
    check("pool imported", rc == 0, (rc, out, err))
    s.wait_until(lambda: s.sql1("select count(*) from gateway.lawyers") == str(N_LAWYERS), 10,
                 "gateway read-model")

    plan = shifts(lics, PER_LAWYER)
    records = feed(plan)
    want = expected_totals(plan)
    batches = [records[i:i + BATCH] for i in range(0, len(records), BATCH)]
    note("%d shifts, %d records (with resends) in %d requests" % (len(plan), len(records), len(batches)))

    sent = [0]
    errors = []

    def client():
        # A hotline system: resends a batch until it gets its 207 (connection
        # refused or reset while the gateway is down counts as "try again").
        for b in batches:
            for attempt in range(200):
                try:
                    st, body = s.post("/v1/hotline/sessions", b)
                    if st == 207 and all(a.get("status") in ("accepted", "duplicate") for a in body):
                        break
                    if st not in (503, 429):
                        errors.append((st, body))
                        break
                except OSError:
                    pass
                time.sleep(0.05)
            sent[0] += 1

    t = threading.Thread(target=client)
    t.start()

    def at_progress(frac):
        s.wait_until(lambda: sent[0] >= int(len(batches) * frac) or not t.is_alive(), 60,
                     "client progress %.0f%%" % (frac * 100))

    at_progress(0.15)
    s.kill9("score")
    at_progress(0.30)
    s.start("score")
    at_progress(0.40)
    s.kill9("roster")
    at_progress(0.55)
    s.start("roster")
    at_progress(0.65)
    s.kill9("gateway")
    time.sleep(0.3)
    s.start("gateway")
    at_progress(0.75)
    # Staff import a second list while registryd and assignd die and return.
    extra = licences(20, prefix="13303209")
    path2 = os.path.join(s.dir, "more.csv")
    with open(path2, "w", encoding="utf-8") as f:
        f.write(lawyers_csv(extra))
    s.kill9("assign")
    rc, out, err = s.ctl("--request-id", "more-1", "import", "lawyers", path2)
    s.kill9("registry")
    s.start("registry")
    s.start("assign")
    rc2, out2, err2 = s.ctl("--request-id", "more-1", "import", "lawyers", path2)
    check("an import answered before the kill answers the same after it",
          rc == 0 and rc2 == 0 and "新增 20" in out and "新增 20" in out2, (out, err, out2, err2))
    at_progress(0.85)
    s.kill9("notify")
    s.kill9("score")
    s.start("score")
    s.start("notify")
    t.join(120)
    check("client finished", not t.is_alive())
    check("every request ended accepted or duplicate", not errors, errors[:3])

    prev_q = previous_quarter()[0]

    def totals():
        rows = s.sql("select lawyer, points_centi from score.totals where quarter = %s", prev_q)
        return {lic: int(p) for lic, p in rows}

    s.wait_until(lambda: totals() == want, 60, "totals to converge")
    got = totals()
    check("every lawyer's total is exactly right", got == want,
          {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v})
    check("gateway accepted each record once",
          s.sql1("select count(*) from gateway.accepted") == str(2 * len(plan)))
    check("roster formed each shift once, retracted none",
          s.sql("select status, count(*) from roster.shifts group by 1") == [("completed", str(len(plan)))])
    check("one ledger entry per shift",
          s.sql1("select count(*) from score.ledger") == str(len(plan))
          and s.sql1("select count(distinct source) from score.ledger") == str(len(plan)))
    check("ledger and totals agree",
          s.sql1("select sum(points_centi) from score.ledger") == str(sum(want.values()))
          and s.sql1("select sum(points_centi) from score.totals") == str(sum(want.values())))
    # Every consumer caught up with every producer's outbox.
    for consumer, producer in (("roster", "gateway"), ("score", "roster"), ("score", "registry"),
                               ("notify", "score"), ("notify", "registry"), ("gateway", "registry"),
                               ("assign", "registry")):
        head = s.sql1("select seq from %s.outbox_head" % producer)
        s.wait_until(lambda: s.sql1("select last_seq from %s.inbox where producer = %%s" % consumer,
                                    producer) == head, 20, "%s to catch up with %s" % (consumer, producer))
        check("%s applied all of %s's events (%s)" % (consumer, producer, head),
              s.sql1("select last_seq from %s.inbox where producer = %%s" % consumer, producer) == head)
    check("every daemon's read-model has all 80 lawyers",
          all(s.sql1("select count(*) from %s.lawyers" % svc) == "80"
              for svc in ("gateway", "score", "notify", "assign")))
    check("outbox sequences have no gaps",
          all(s.sql1("select count(*) = coalesce(max(seq), 0) from %s.outbox" % p) == "t"
              for p in ("registry", "gateway", "roster", "score", "notify")))
    check("no notification raised twice",
          s.sql1("select count(*) = count(distinct source_event) from notify.notifications") == "t")

done()

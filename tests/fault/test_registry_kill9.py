#!/usr/bin/env python3
"""The registry under kill -9 and redelivery: scored publishes a burst of
sanctions (suspensions of all service, stops to case assignment) and assignd
a burst of assignments and finished cases; registryd is killed -9 three times
while it applies them, then its cursors are rewound so that everything is
delivered a second time. Afterwards every sanction is applied exactly once —
one set of audit rows, one notice, the right state in every pool — and the
open cases are exactly those assigned and not finished."""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fyproto import field  # noqa: E402
from harness import Stack, check, done, note  # noqa: E402

N = 120  # lawyers; the first half get suspend_all, the second half suspend_cases


def publish(s, producer, type_, payloads):
    for p in payloads:
        s.publish(producer, type_, p)


with Stack(daemons="all", conf={"registry": {"expiry_check_s": "1"}}) as s:
    lics = licences(N, prefix="13303207")
    path = os.path.join(s.dir, "l.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv(lics))
    check("pool imported", s.ctl("import", "lawyers", path)[0] == 0)
    far = int((time.time() + 30 * 86400) * 1e6)
    half = N // 2
    sanctions = [field(1, "k9-%d" % i) + field(2, lic)
                 + field(3, "suspend_all" if i < half else "suspend_cases")
                 + field(4, "13" if i < half else "25(3)") + field(5, "测试处理")
                 + (field(7, far) if i < half else b"")
                 for i, lic in enumerate(lics)]
    assigned = [field(1, "AJ-%d" % i) + field(2, lic) + field(3, "direct") + field(4, int(time.time() * 1e6))
                for i, lic in enumerate(lics)]
    finished = [field(1, "AJ-%d" % i) + field(2, lic) + field(3, "closed") + field(4, int(time.time() * 1e6))
                for i, lic in enumerate(lics) if i % 3 == 0]

    s.stop("registry")
    publish(s, "score", "SanctionDue", sanctions)
    publish(s, "assign", "CaseAssigned", assigned)
    publish(s, "assign", "CaseFinished", finished)
    s.start("registry")
    for k in range(3):
        time.sleep(0.15 + 0.1 * k)
        s.kill9("registry")
        s.start("registry")
    note("killed registryd -9 three times while it applied %d sanctions and %d case events"
         % (len(sanctions), len(assigned) + len(finished)))

    def at_head():
        return (s.sql1("select last_seq from registry.inbox where producer = 'score'")
                == s.sql1("select seq from score.outbox_head")
                and s.sql1("select last_seq from registry.inbox where producer = 'assign'")
                == s.sql1("select seq from assign.outbox_head"))
    s.wait_until(at_head, 30, "registry caught up")
    before = (s.sql1("select count(*) from registry.audit"),
              s.sql1("select count(*) from registry.outbox where type = 'MemberNotice'"))

    # everything delivered again
    s.stop("registry")
    s.sql("update registry.inbox set last_seq = 0 where producer in ('score', 'assign')")
    s.start("registry")
    s.wait_until(at_head, 30, "registry caught up again")
    after = (s.sql1("select count(*) from registry.audit"),
             s.sql1("select count(*) from registry.outbox where type = 'MemberNotice'"))

    check("every sanction applied once", s.sql1("select count(*) from registry.sanctions_applied") == str(N))
    check("redelivery changed nothing: no audit row, no notice added", before == after, (before, after))
    check("one notice per sanction",
          s.sql1("select count(*) from registry.audit where actor like 'score:k9-%%' and notice <> ''") == str(N))
    check("suspend_all: both pools suspended until the date, for every such member",
          s.sql1("select count(*) from registry.memberships where state = 'suspended' "
                 "and suspended_until = %s", far) == str(2 * half))
    check("suspend_cases: case assignment stopped, duty untouched, for every such member",
          s.sql1("select count(*) from registry.memberships where pool = 'case' and cases_suspended "
                 "and state = 'active'") == str(N - half)
          and s.sql1("select count(*) from registry.memberships where pool = 'duty' and state = 'active'")
          == str(N - half))
    rc, out, err = s.ctl("resume", lics[0])
    check("staff cannot lift a clause 13 suspension in the registry: scored tracks its rectification",
          rc == 1 and "sanction" in err and s.sql1(
              "select count(*) from registry.memberships where licence = %s and state = 'suspended'",
              lics[0]) == "2", err)
    rc, out, err = s.ctl("rectify", lics[-1], "--result", "refused")
    check("nor record a refused rectification for scored's 25(3) stop", rc == 1, err)
    check("open cases are exactly those assigned and not finished",
          s.sql1("select count(*) from registry.open_cases") == str(N - len(finished)))
    check("the first case here recorded for every member with an assignment",
          s.sql1("select count(*) from registry.lawyers where first_case_here is not null") == str(N))
    s.wait_until(lambda: s.sql1("select count(*) from assign.lawyers where serving = '{}'") == str(half),
                 15, "assignd's read-model follows")
    check("assignd sees who may be given work", s.sql1(
        "select count(*) from assign.lawyers where serving = '{duty}'") == str(N - half))
done()

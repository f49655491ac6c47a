"""Integration/fault test harness for fayuan (Python 3 standard library only).

A test script:

    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    from harness import Stack, check, done

    with Stack(["registry", "gateway"]) as s:       # or Stack("all"), or Stack() for none
        st, body = s.post("/v1/hotline/sessions", {"id": "x1", ...})
        check("session accepted", st == 202, body)
        rc, out, err = s.ctl("standings", "--json")
        rows = s.sql("select count(*) from registry.person where licence = %s", "1330...")
        s.wait_until(lambda: s.sql1("select ...") == "1", 5, "points booked")
        s.kill9("score"); s.start("score")
    done()

A Stack owns a temp dir with its own PostgreSQL cluster (deploy/pg.sh), run dir (unix
sockets), config (from deploy/fayuan.conf.example, free HTTP port, random secrets) and a log
file per daemon. Daemons come from $BUILD/bin (BUILD defaults to "build"; relative to the repo).
Everything is stopped and removed on exit (KEEP=1 keeps the dir). On failure the daemon logs are
copied to build/test-logs/stacks/ and their tails printed.

Under a sanitizer build (env SANITIZE set, or BUILD ending in "san") the daemons run with
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1, and their logs are checked for sanitizer reports
whenever they stop; a report is a failed check.

Stack API (service names "registry" or "registryd"; see each docstring):
  start(name, env=None, wait=True)   stop(name) -> exit status     kill9(name)
  restart(name)   wait_ready(name, timeout)   running(name)   pid(name)   log(name)
  send_signal(name, sig)   stop_db(immediate=False)   start_db()   set_conf(section, key, v)
  post(path, body, secret=None, timestamp=None, signature=None, raw=False, headers=None)
      -> (status, JSON or text);  get(path);  request(method, path, body, headers)
  ctl(*args) -> (rc, stdout, stderr);  ctl_json(*args) -> (rc, parsed, stderr)
  sql(query, *params) -> [tuple of str/None];  sql1(query, *params) -> first value or None
  wait_until(fn, timeout, what);  notifications() -> the notify spool as a list
At teardown, a daemon the test did not stop or kill that has died, or that does not exit 0 on
SIGTERM within 15 s, is a failed check ("not ok" lines appear only for failures there).
Module level: check(name, cond, detail), done(), note(msg), sign(secret, ts, body),
free_port(), wait_until(...), failed().
"""

import atexit
import csv
import ctypes
import hashlib
import hmac
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SERVICES = ("registry", "roster", "assign", "score", "notify", "gateway")
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# --------------------------------------------------------------------------------------------
# TAP helpers

_failures = []
_checks = 0


def check(name, cond, detail=""):
    """Print "ok - name" or "not ok - name" (with detail as # comments); return bool(cond)."""
    global _checks
    _checks += 1
    name = " ".join(str(name).split())
    if cond:
        print("ok - %s" % name, flush=True)
        return True
    _failures.append(name)
    print("not ok - %s" % name, flush=True)
    if detail not in ("", None):
        if not isinstance(detail, str):
            try:
                detail = json.dumps(detail, ensure_ascii=False, default=str)
            except (TypeError, ValueError):
                detail = repr(detail)
        for line in detail.splitlines()[-60:]:
            print("#   %s" % line, flush=True)
    return False


def failed():
    """Number of failed checks so far."""
    return len(_failures)


def done():
    """Print a summary comment and exit: 1 if any check failed, else 0."""
    print("# %d check(s), %d failed" % (_checks, len(_failures)), flush=True)
    sys.stdout.flush()
    sys.exit(1 if _failures else 0)


def note(msg):
    """A TAP comment line."""
    for line in str(msg).splitlines() or [""]:
        print("# %s" % line, flush=True)


# --------------------------------------------------------------------------------------------
# helpers


def free_port():
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sk:
        sk.bind(("127.0.0.1", 0))
        return sk.getsockname()[1]


def sign(secret, timestamp, body):
    """Lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>"); the key is the secret's
    UTF-8 bytes as written in the config."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def wait_until(fn, timeout=10.0, what="condition", interval=0.05):
    """Call fn until it returns something truthy (returned); TimeoutError after timeout s."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            v = fn()
            if v:
                return v
            last_exc = None
        except Exception as e:  # noqa: BLE001 — keep polling; report the last error
            last_exc = e
        if time.monotonic() >= deadline:
            msg = "timed out after %.1fs waiting for %s" % (timeout, what)
            if last_exc is not None:
                msg += " (last error: %r)" % (last_exc,)
            raise TimeoutError(msg)
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def _daemon(name):
    """'registry' or 'registryd' -> ('registry', 'registryd')."""
    svc = name[:-1] if name.endswith("d") and name[:-1] in SERVICES else name
    if svc not in SERVICES:
        raise ValueError("unknown service %r (one of %s)" % (name, ", ".join(SERVICES)))
    return svc, svc + "d"


def _pdeathsig():
    # Daemons die with the harness even if it is SIGKILLed (Linux).
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001
        pass


def _script_name():
    name = os.path.splitext(os.path.basename(sys.argv[0] if sys.argv else ""))[0]
    return name if re.match(r"^[\w.-]+$", name or "") and name != "-" else "stack"


def _status(rc):
    if rc is not None and rc < 0:
        try:
            return "killed by signal %d (%s)" % (-rc, signal.Signals(-rc).name)
        except ValueError:
            return "killed by signal %d" % -rc
    return "exited with status %s" % rc


def _tail(path, n=30):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            lines = f.read().decode("utf-8", "replace").splitlines()
        return "\n".join(lines[-n:])
    except OSError:
        return "(no log)"


def _ini_set(text, section, key, value):
    """Set section.key = value in INI text (replacing or appending)."""
    out, cur, done_ = [], None, False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if m:
            if cur == section and not done_:
                while out and out[-1].strip() == "":
                    out.pop()
                out.append("%s = %s" % (key, value))
                out.append("")
                done_ = True
            cur = m.group(1).strip()
        elif cur == section and not done_:
            m = re.match(r"\s*([A-Za-z0-9_.-]+)\s*[=:]", line)
            if m and m.group(1) == key:
                out.append("%s = %s" % (key, value))
                done_ = True
                continue
        out.append(line)
    if not done_:
        if cur != section:
            out.append("")
            out.append("[%s]" % section)
        out.append("%s = %s" % (key, value))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------


class Proc:
    def __init__(self, svc, daemon, popen, log_path, log_offset):
        self.svc, self.daemon, self.popen = svc, daemon, popen
        self.log_path, self.log_offset = log_path, log_offset
        self.expected_exit = False  # stopped or killed by the test

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None


class Stack:
    """A private PostgreSQL cluster plus any of the daemons, in a temp dir.

    Stack(daemons=(), build=None, env=None, conf=None, ready_timeout=20)
      daemons   names to start (and wait for) on enter: "registry" or "registryd"; "all" = all.
      build     build dir (default env BUILD or "build"); binaries in <build>/bin.
      env       extra environment for every daemon and fayuanctl.
      conf      config overrides {"section": {"key": value}} written into the file.
    Attributes: dir, run_dir, var_dir, conf_path, pgport, http_port, hotline_secret,
      quality_secret, gateway_url, bin_dir, sanitized, procs.
    """

    def __init__(self, daemons=(), build=None, env=None, conf=None, ready_timeout=20.0):
        if daemons == "all":
            daemons = SERVICES
        elif isinstance(daemons, str):
            daemons = (daemons,)
        self.initial = [_daemon(d)[0] for d in daemons]
        build = build or os.environ.get("BUILD") or "build"
        self.build = build if os.path.isabs(build) else os.path.join(REPO, build)
        self.bin_dir = os.path.join(self.build, "bin")
        self.sanitized = bool(os.environ.get("SANITIZE")) or os.path.basename(
            self.build.rstrip("/")
        ).endswith("san")
        self.extra_env = dict(env or {})
        self.conf_overrides = conf or {}
        self.ready_timeout = ready_timeout
        self.procs = {}
        self.order = []  # start order, for teardown in reverse
        self.dir = None
        self._pg_up = False
        self._failures_at_enter = 0
        self._closed = False
        self._old_sigterm = None

    # ---- lifecycle -----------------------------------------------------------------------

    def __enter__(self):
        self._failures_at_enter = len(_failures)
        if _is_main_thread():
            self._old_sigterm = signal.signal(signal.SIGTERM, _sigterm_to_exit)
        atexit.register(self.close)
        try:
            self._setup()
            for svc in self.initial:
                self.start(svc, wait=False)
            for svc in self.initial:
                self.wait_ready(svc)
        except BaseException as e:
            if isinstance(e, Exception):
                check("stack set up", False, str(e))
            self.close(failed=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        # An Exception inside the with-block is reported as a failed check and swallowed, so
        # the script goes on to done() (exit 1); SystemExit/KeyboardInterrupt propagate.
        unexpected = exc_type is not None and issubclass(exc_type, Exception)
        if unexpected:
            import traceback

            print("not ok - unexpected %s in test: %s" % (exc_type.__name__, exc), flush=True)
            for line in traceback.format_exception(exc_type, exc, tb):
                for l2 in line.rstrip().splitlines():
                    print("#   " + l2, flush=True)
            _failures.append("exception")
        self.close(failed=exc_type is not None)
        return unexpected

    def _setup(self):
        base = os.environ.get("FAYUAN_TEST_TMP") or None
        self.dir = tempfile.mkdtemp(prefix="fayuan-test-", dir=base)
        # The PostgreSQL server runs as user "fayuan" when we are root: it must traverse here.
        os.chmod(self.dir, 0o711)
        self.run_dir = os.path.join(self.dir, "run")
        self.var_dir = os.path.join(self.dir, "var")
        self.log_dir = os.path.join(self.dir, "log")
        self.pg_dir = os.path.join(self.dir, "pg")
        for d in (self.run_dir, self.var_dir, self.log_dir, os.path.join(self.var_dir, "spool")):
            os.makedirs(d, exist_ok=True)
        os.chmod(self.run_dir, 0o755)
        self.pgport = free_port()
        self.http_port = free_port()
        self.hotline_secret = secrets.token_hex(32)
        self.quality_secret = secrets.token_hex(32)
        self.gateway_url = "http://127.0.0.1:%d" % self.http_port
        self._write_conf()
        self.start_db()

    def _write_conf(self):
        with open(os.path.join(REPO, "deploy", "fayuan.conf.example"), encoding="utf-8") as f:
            text = f.read()
        subst = {
            "@RUN@": self.run_dir,
            "@VAR@": self.var_dir,
            "@PGPORT@": str(self.pgport),
            "@HTTPPORT@": str(self.http_port),
            "@HOTLINE_SECRET@": self.hotline_secret,
            "@QUALITY_SECRET@": self.quality_secret,
        }
        for k, v in subst.items():
            text = text.replace(k, v)
        # Tests date records in the previous quarter; scored's automatic close of
        # that quarter would move them into the current one. A test that wants
        # the automatic close sets close_after_hours itself.
        overrides = {"score": {"close_after_hours": "-1"}}
        for section, kv in self.conf_overrides.items():
            overrides.setdefault(section, {}).update(kv)
        for section, kv in overrides.items():
            for key, value in kv.items():
                text = _ini_set(text, section, key, value)
        left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
        if left:
            raise RuntimeError("placeholders left in config: %s" % ", ".join(left))
        self.conf_path = os.path.join(self.dir, "fayuan.conf")
        fd = os.open(self.conf_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        self.dsn = "host=%s port=%d dbname=fayuan user=fayuan" % (self.run_dir, self.pgport)

    def set_conf(self, section, key, value):
        """Change one key in the config file (takes effect for daemons started afterwards)."""
        with open(self.conf_path, encoding="utf-8") as f:
            text = f.read()
        with open(self.conf_path, "w", encoding="utf-8") as f:
            f.write(_ini_set(text, section, key, str(value)))

    def conf_text(self):
        with open(self.conf_path, encoding="utf-8") as f:
            return f.read()

    def close(self, failed=None):
        """Stop every daemon and the cluster; remove the temp dir (KEEP=1 keeps it)."""
        if self._closed or self.dir is None:
            return
        self._closed = True
        try:
            for svc in reversed(list(self.order)):
                p = self.procs.get(svc)
                if p is None:
                    continue
                if not p.alive() and not p.expected_exit:
                    check(
                        "%s kept running until the end of the test" % p.daemon,
                        False,
                        "%s; end of its log:\n%s" % (_status(p.popen.returncode), _tail(p.log_path)),
                    )
                    self._scan_log(p)
                elif p.alive():
                    self.stop(svc, _final=True)
        finally:
            if self._pg_up or os.path.isdir(self.pg_dir):
                self._pg("stop", self.pg_dir, check_rc=False)
                self._pg_up = False
            if failed is None:
                failed = False
            failed = failed or len(_failures) > self._failures_at_enter
            keep = os.environ.get("KEEP") == "1"
            if failed:
                self._report_failure()
            if keep:
                note("KEEP=1: stack dir kept: %s" % self.dir)
            else:
                self._pg("destroy", self.pg_dir, check_rc=False)
                shutil.rmtree(self.dir, ignore_errors=True)
            if self._old_sigterm is not None and _is_main_thread():
                signal.signal(signal.SIGTERM, self._old_sigterm)

    def _report_failure(self):
        note("stack dir: %s" % self.dir)
        dest = os.path.join(
            REPO,
            "build",
            "test-logs",
            "stacks",
            "%s-%d" % (_script_name(), os.getpid()),
        )
        try:
            os.makedirs(dest, exist_ok=True)
            for fn in sorted(os.listdir(self.log_dir) if os.path.isdir(self.log_dir) else []):
                shutil.copy(os.path.join(self.log_dir, fn), dest)
            pglog = os.path.join(self._pg_datadir(), "server.log")
            if os.path.exists(pglog):
                shutil.copy(pglog, os.path.join(dest, "postgresql.log"))
            if os.path.exists(getattr(self, "conf_path", "")):
                shutil.copy(self.conf_path, dest)
            note("logs copied to %s" % dest)
        except OSError as e:
            note("could not copy logs: %s" % e)
        for svc in self.order:
            p = self.procs[svc]
            note("---- end of %s ----" % p.log_path)
            note(_tail(p.log_path, 25))

    # ---- PostgreSQL -------------------------------------------------------------------------

    def _pg(self, *args, check_rc=True, env=None):
        e = dict(os.environ)
        e.update(env or {})
        r = subprocess.run(
            ["bash", os.path.join(REPO, "deploy", "pg.sh")] + list(args),
            cwd=self.dir,
            env=e,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            universal_newlines=True,
            timeout=180,
        )
        if check_rc and r.returncode != 0:
            raise RuntimeError("deploy/pg.sh %s failed (%d):\n%s" % (args[0], r.returncode, r.stdout))
        return r

    def _pg_datadir(self):
        return self._pg("datadir", self.pg_dir, check_rc=False).stdout.strip() or self.pg_dir

    def start_db(self):
        self._pg("start", self.pg_dir, self.run_dir, str(self.pgport))
        self._pg_up = True

    def stop_db(self, immediate=False):
        """Stop the cluster (fast shutdown, or immediate = crash-like)."""
        self._pg("stop", self.pg_dir, env={"PG_STOP_MODE": "immediate" if immediate else "fast"})
        self._pg_up = False

    def sql(self, query, *params):
        """Run SQL as user fayuan; return the rows as tuples of str (NULL -> None).

        With params, %s in query are placeholders (values quoted by psql, never spliced
        into the text; None -> NULL) and a literal % is written %%. Without params the
        query is sent as is. Raises RuntimeError on an SQL error."""
        args = [
            os.path.join(PG_BIN, "psql"),
            "-X", "-q", "-t", "--csv",
            "-v", "ON_ERROR_STOP=1",
            "-h", self.run_dir, "-p", str(self.pgport), "-U", "fayuan", "-d", "fayuan",
            "-P", "null=\x1a",
        ]  # fmt: skip
        if params:
            parts = re.split(r"(%%|%s)", query)
            out, i = [], 0
            for part in parts:
                if part == "%%":
                    out.append("%")
                elif part == "%s":
                    if i >= len(params):
                        raise ValueError("more %s than parameters")
                    v = params[i]
                    if v is None:
                        out.append("NULL")
                    else:
                        if isinstance(v, bool):
                            v = "true" if v else "false"
                        elif isinstance(v, (dict, list)):
                            v = json.dumps(v, ensure_ascii=False)
                        args += ["-v", "p%d=%s" % (i, v)]
                        out.append(":'p%d'" % i)
                    i += 1
                else:
                    out.append(part)
            if i != len(params):
                raise ValueError("%d parameters for %d placeholders" % (len(params), i))
            query = "".join(out)
        r = subprocess.run(
            args,
            input=query + "\n",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=120,
        )
        if r.returncode != 0:
            raise RuntimeError("SQL failed: %s\n%s" % (r.stderr.strip(), query))
        rows = []
        # CSV keeps newlines and commas inside values; a blank line is one empty-string column
        # (every row has at least one column); several statements' rows are concatenated.
        for rec in csv.reader(io.StringIO(r.stdout)):
            if not rec:
                rec = [""]
            rows.append(tuple(None if f == "\x1a" else f for f in rec))
        return rows

    def sql1(self, query, *params):
        """First column of the first row, or None."""
        rows = self.sql(query, *params)
        return rows[0][0] if rows else None

    def publish(self, producer, type_, payload, occurred_at=None):
        """Appends one event (payload: the packed message, bytes) to a producer's outbox
        exactly as its outbox module writes it: the next gap-free seq, center wz."""
        now = int(time.time() * 1e6)
        self.sql("WITH h AS (UPDATE {0}.outbox_head SET seq = seq + 1 RETURNING seq) "
                 "INSERT INTO {0}.outbox (seq, type, center, occurred_at, recorded_at, origin_at, "
                 "  payload) SELECT seq, %s, 'wz', %s, %s, %s, decode(%s, 'hex') FROM h".format(producer),
                 type_, occurred_at or now, now, now, payload.hex())

    # ---- daemons ------------------------------------------------------------------------------

    def _env(self, extra=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("FAYUAN_")}
        e["FAYUAN_CONF"] = self.conf_path
        if self.sanitized:
            e["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
            e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        e.update(self.extra_env)
        e.update(extra or {})
        return e

    def binary(self, name):
        return os.path.join(self.bin_dir, name)

    def start(self, name, env=None, wait=True, args=()):
        """Start a daemon (if not running) with `-c CONFIG`; wait_ready unless wait=False."""
        svc, daemon = _daemon(name)
        p = self.procs.get(svc)
        if p is not None and p.alive():
            raise RuntimeError("%s already running (pid %d)" % (daemon, p.pid))
        if p is not None:
            self._scan_log(p)
        exe = self.binary(daemon)
        if not os.access(exe, os.X_OK):
            raise RuntimeError("%s not built (%s)" % (daemon, exe))
        log_path = os.path.join(self.log_dir, daemon + ".log")
        log = open(log_path, "ab")
        log.write(
            ("==== harness: starting %s at %s ====\n" % (daemon, time.strftime("%H:%M:%S"))).encode()
        )
        log.flush()
        offset = log.tell()
        try:
            popen = subprocess.Popen(
                [exe, "-c", self.conf_path] + list(args),
                cwd=self.dir,
                env=self._env(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                preexec_fn=_pdeathsig,
            )
        finally:
            log.close()
        self.procs[svc] = Proc(svc, daemon, popen, log_path, offset)
        if svc in self.order:
            self.order.remove(svc)
        self.order.append(svc)
        if wait:
            self.wait_ready(svc)
        return popen.pid

    def wait_ready(self, name, timeout=None):
        """Wait until `fayuanctl ping SERVICE` answers; raise if the daemon dies or times out."""
        svc, daemon = _daemon(name)
        p = self.procs.get(svc)
        timeout = self.ready_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        last = None
        while True:
            if p is not None and not p.alive():
                raise RuntimeError(
                    "%s %s before it was ready; end of its log:\n%s"
                    % (daemon, _status(p.popen.returncode), _tail(p.log_path))
                )
            try:
                rc, out, err = self.ctl("ping", svc, timeout=5)
                if rc == 0:
                    # The gateway also has to accept HTTP connections.
                    if svc != "gateway" or self._http_listening():
                        return
                    last = "ping answered, but nothing listens on 127.0.0.1:%d" % self.http_port
                else:
                    last = (err or out).strip()
            except subprocess.TimeoutExpired:
                last = "fayuanctl ping timed out"
            if time.monotonic() >= deadline:
                raise RuntimeError(
                    "%s not ready after %.0fs (last ping: %s); end of its log:\n%s"
                    % (daemon, timeout, last, _tail(p.log_path) if p else "(not started here)")
                )
            time.sleep(0.1)

    def _http_listening(self):
        try:
            with socket.create_connection(("127.0.0.1", self.http_port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self, name, timeout=15.0, _final=False):
        """SIGTERM and wait; SIGKILL after timeout (a failed check). Return the exit status."""
        svc, daemon = _daemon(name)
        p = self.procs.get(svc)
        if p is None:
            return None
        p.expected_exit = True
        if p.alive():
            self._mark(p, "SIGTERM")
            p.popen.send_signal(signal.SIGTERM)
            try:
                p.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                check("%s exits within %.0fs of SIGTERM" % (daemon, timeout), False, _tail(p.log_path))
                p.popen.kill()
                p.popen.wait()
        rc = p.popen.returncode
        if _final and rc != 0:
            check(
                "%s exits 0 on SIGTERM" % daemon,
                False,
                "%s; end of its log:\n%s" % (_status(rc), _tail(p.log_path)),
            )
        self._scan_log(p)
        return rc

    def kill9(self, name):
        """SIGKILL the daemon and reap it."""
        svc, daemon = _daemon(name)
        p = self.procs[svc]
        p.expected_exit = True
        if p.alive():
            self._mark(p, "SIGKILL")
            p.popen.kill()
            p.popen.wait()
        self._scan_log(p)

    def restart(self, name, env=None):
        self.stop(name)
        return self.start(name, env=env)

    def send_signal(self, name, sig):
        """Send a signal (e.g. signal.SIGHUP, SIGSTOP, SIGCONT) to a running daemon."""
        svc, _ = _daemon(name)
        self.procs[svc].popen.send_signal(sig)

    def running(self, name):
        svc, _ = _daemon(name)
        p = self.procs.get(svc)
        return p is not None and p.alive()

    def pid(self, name):
        svc, _ = _daemon(name)
        p = self.procs.get(svc)
        return p.pid if p is not None and p.alive() else None

    def log(self, name):
        """The daemon's whole log (all its runs in this stack)."""
        _, daemon = _daemon(name)
        try:
            with open(os.path.join(self.log_dir, daemon + ".log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _mark(self, p, what):
        try:
            with open(p.log_path, "ab") as f:
                f.write(("==== harness: %s to %s (pid %d) at %s ====\n"
                         % (what, p.daemon, p.pid, time.strftime("%H:%M:%S"))).encode())
        except OSError:
            pass

    def _scan_log(self, p):
        if not self.sanitized:
            return
        try:
            with open(p.log_path, "rb") as f:
                f.seek(p.log_offset)
                text = f.read().decode("utf-8", "replace")
                p.log_offset = f.tell()
        except OSError:
            return
        hits = [m for m in SANITIZER_MARKERS if m in text]
        if hits:
            lines = text.splitlines()
            first = next(i for i, l in enumerate(lines) if any(m in l for m in hits))
            check(
                "%s: no sanitizer report" % p.daemon,
                False,
                "\n".join(lines[max(0, first - 5) : first + 40]),
            )

    # ---- fayuanctl -------------------------------------------------------------------------

    def ctl(self, *args, timeout=60, input=None, env=None):
        """Run fayuanctl -c CONFIG ARGS... in the repo root; return (rc, stdout, stderr)."""
        r = subprocess.run(
            [self.binary("fayuanctl"), "-c", self.conf_path] + [str(a) for a in args],
            cwd=REPO,  # relative file arguments (deploy/demo/lawyers.csv) name repo files
            env=self._env(env),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=timeout,
        )
        if self.sanitized and any(m in r.stderr for m in SANITIZER_MARKERS):
            check("fayuanctl %s: no sanitizer report" % " ".join(map(str, args[:2])), False, r.stderr)
        return r.returncode, r.stdout, r.stderr

    def ctl_json(self, *args, timeout=60):
        """fayuanctl ARGS... whose stdout is JSON: return (rc, parsed or None, stderr)."""
        rc, out, err = self.ctl(*args, timeout=timeout)
        try:
            return rc, json.loads(out), err
        except ValueError:
            return rc, None, err + "\n(stdout was not JSON: %r)" % out[:500]

    # ---- HTTP -------------------------------------------------------------------------------

    def secret_for(self, path):
        if path.startswith("/v1/hotline/"):
            return self.hotline_secret
        if path.startswith("/v1/quality/") or path.startswith("/v1/cases/"):
            return self.quality_secret
        return None

    def request(self, method, path, body=None, headers=None, timeout=30):
        """One HTTP request to the gateway; return (status, parsed JSON or text)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            self.last_headers = dict(resp.getheaders())
            status = resp.status
        finally:
            conn.close()
        text = data.decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, body, secret=None, timestamp=None, signature=None, raw=False, headers=None):
        """POST to the gateway, signed like an external system.

        body      a JSON-able value (encoded compactly), or with raw=True (or bytes) the exact
                  bytes/str to send.
        secret    default: the hotline secret for /v1/hotline/*, the quality secret for
                  /v1/quality/* and /v1/cases/*, none elsewhere; a string signs with it;
                  False sends no X-Fayuan-* headers at all.
        timestamp default now (int seconds); also used in the signature.
        signature overrides the computed X-Fayuan-Signature header value.
        Return (status, parsed JSON body or text)."""
        if raw or isinstance(body, (bytes, bytearray)):
            data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        else:
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        h = {"Content-Type": "application/json"}
        if secret is None:
            secret = self.secret_for(path)
        if secret is not False and (secret is not None or signature is not None):
            ts = int(time.time()) if timestamp is None else timestamp
            h["X-Fayuan-Timestamp"] = str(ts)
            h["X-Fayuan-Signature"] = signature if signature is not None else sign(secret or "", ts, data)
        h.update(headers or {})
        return self.request("POST", path, body=data, headers=h)

    # ---- other helpers ---------------------------------------------------------------------

    def wait_until(self, fn, timeout=10.0, what="condition", interval=0.05):
        return wait_until(fn, timeout, what, interval)

    def notifications(self):
        """The notify spool (one JSON object per line) as a list."""
        path = os.path.join(self.var_dir, "spool", "notifications.jsonl")
        out = []
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line:
                        out.append(json.loads(line))
        except OSError:
            pass
        return out


def _is_main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()


def _sigterm_to_exit(signum, frame):
    # Turn the runner's timeout SIGTERM into SystemExit so the stack is torn down.
    print("not ok - test terminated by SIGTERM", flush=True)
    _failures.append("SIGTERM")
    raise SystemExit(143)

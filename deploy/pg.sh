# shellcheck shell=bash
# deploy/pg.sh — a throwaway PostgreSQL 15 cluster for development and tests.
#
# Source it and call:
#   pg_start   DATADIR SOCKDIR PORT   initdb if needed, start, create role+db "fayuan"
#   pg_stop    DATADIR                stop (fast shutdown, or env PG_STOP_MODE=immediate);
#                                     no-op when not running
#   pg_status  DATADIR                print state; exit 0 iff running
#   pg_destroy DATADIR                stop and delete the cluster's files
#   pg_datadir DATADIR                print where the cluster's files really are
# or run it: `bash deploy/pg.sh start|stop|status|destroy DATADIR [SOCKDIR PORT]`.
#
# The cluster listens on no TCP address (listen_addresses=''), only on the unix socket
# SOCKDIR/.s.PGSQL.PORT, with trust authentication for local (socket) connections only.
# Durability is real: fsync, synchronous_commit and full_page_writes stay on.
# The bootstrap superuser is "postgres"; role "fayuan" (LOGIN, not superuser) owns database
# "fayuan", so the daemons' migrations run with ordinary owner rights.
#
# PostgreSQL refuses to run as root. When called as root, the server runs as the system user
# "fayuan" (created once), the data directory is owned by it, and SOCKDIR is made writable for
# it. If that user cannot reach DATADIR or SOCKDIR (e.g. the tree is under /root, mode 700),
# the cluster goes to /var/lib/fayuan/pg/<hash>/ instead (a message says so) and the socket is
# symlinked into SOCKDIR, so clients still connect with host=SOCKDIR.
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_SHARED_BUFFERS (256MB),
# PG_MAX_CONNECTIONS (100), PG_OS_USER (fayuan; only used as root).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=${PG_OS_USER:-fayuan}
PG_FALLBACK_ROOT=${PG_FALLBACK_ROOT:-/var/lib/fayuan/pg}

_pg_say() { printf 'pg: %s\n' "$*" >&2; }

_pg_abs() { # make a path absolute without requiring it to exist
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "${1#./}" ;;
    esac
}

_pg_is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a PostgreSQL binary as the cluster's OS user (from /, whose cwd every user can read).
_pg_as() {
    if _pg_is_root; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

_pg_ensure_user() {
    _pg_is_root || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
    # Racing callers (parallel tests): whoever loses finds the user made by the winner.
    useradd --system --user-group --home-dir /var/lib/fayuan --no-create-home \
        --shell /usr/sbin/nologin --comment 'fayuan dev PostgreSQL' "$PG_OS_USER" 2>/dev/null ||
        id -u "$PG_OS_USER" >/dev/null 2>&1 || {
        _pg_say "cannot create system user $PG_OS_USER"
        return 1
    }
    _pg_say "created system user $PG_OS_USER (PostgreSQL will not run as root)"
}

# The OS user can reach DIR (traverse all parents) and write it.
_pg_reachable() {
    _pg_is_root || return 0
    runuser -u "$PG_OS_USER" -- test -d "$1" -a -x "$1" -a -w "$1" 2>/dev/null
}

_pg_fallback_base() { # stable per requested data dir
    printf '%s/%s\n' "$PG_FALLBACK_ROOT" "$(printf '%s' "$1" | sha1sum | cut -c1-16)"
}

# Print where the cluster of requested data dir $1 lives. Decided by where a cluster exists;
# for a new one, by whether the OS user can reach the requested path.
pg_datadir() {
    local req fb
    req=$(_pg_abs "$1")
    fb=$(_pg_fallback_base "$req")/data
    if [ -f "$req/PG_VERSION" ]; then
        printf '%s\n' "$req"
    elif [ -f "$fb/PG_VERSION" ]; then
        printf '%s\n' "$fb"
    else
        printf '%s\n' "$req"
    fi
}

# Prepare (create, own, check) the data directory of a new cluster; print the one to use.
_pg_prepare_datadir() {
    local req=$1 fb
    fb=$(_pg_fallback_base "$req")
    if [ -f "$req/PG_VERSION" ]; then
        printf '%s\n' "$req"
        return 0
    fi
    if [ -f "$fb/data/PG_VERSION" ]; then
        printf '%s\n' "$fb/data"
        return 0
    fi
    mkdir -p "$req" || return 1
    if _pg_is_root; then
        chown "$PG_OS_USER:" "$req" || return 1
    fi
    chmod 700 "$req"
    if _pg_reachable "$req"; then
        printf '%s\n' "$req"
        return 0
    fi
    mkdir -p "$fb/data" "$fb/run"
    chown "$PG_OS_USER:" "$PG_FALLBACK_ROOT" "$fb" "$fb/data" "$fb/run" 2>/dev/null
    chmod 755 "$PG_FALLBACK_ROOT" "$fb" "$fb/run"
    chmod 700 "$fb/data"
    _pg_say "user $PG_OS_USER cannot reach $req (a parent directory is closed to it);"
    _pg_say "the cluster is put in $fb/data instead"
    printf 'The PostgreSQL cluster for this directory lives in %s\n' "$fb/data" >"$req/CLUSTER_IS_ELSEWHERE"
    printf '%s\n' "$fb/data"
}

# Make SOCKDIR usable by the server; print the directory the server should put its socket in.
_pg_prepare_sockdir() {
    local sock=$1 req=$2 fb
    mkdir -p "$sock" || return 1
    if _pg_reachable "$sock"; then
        printf '%s\n' "$sock"
        return 0
    fi
    if _pg_is_root && [ "$(stat -c %U "$sock")" = root ]; then
        chown "$PG_OS_USER:" "$sock" && chmod 755 "$sock"
        if _pg_reachable "$sock"; then
            printf '%s\n' "$sock"
            return 0
        fi
    fi
    fb=$(_pg_fallback_base "$req")/run
    mkdir -p "$fb"
    chown "$PG_OS_USER:" "$(dirname "$fb")" "$fb" "$PG_FALLBACK_ROOT" 2>/dev/null
    chmod 755 "$PG_FALLBACK_ROOT" "$(dirname "$fb")" "$fb"
    _pg_say "user $PG_OS_USER cannot reach $sock; the server's socket is in $fb, linked from $sock"
    printf '%s\n' "$fb"
}

_pg_sq() { # single-quote a value for postgresql.conf / SQL
    printf "'%s'" "${1//\'/\'\'}"
}

_pg_running() {
    [ -f "$1/PG_VERSION" ] && _pg_as "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

pg_start() {
    if [ $# -ne 3 ]; then
        _pg_say "usage: pg_start DATADIR SOCKDIR PORT"
        return 2
    fi
    local req sock port data ssock locale
    req=$(_pg_abs "$1")
    sock=$(_pg_abs "$2")
    port=$3
    if [ ! -x "$PG_BIN/postgres" ]; then
        _pg_say "PostgreSQL 15 not found in $PG_BIN (apt-get install postgresql-15)"
        return 1
    fi
    _pg_ensure_user || return 1
    data=$(_pg_prepare_datadir "$req") || return 1
    ssock=$(_pg_prepare_sockdir "$sock" "$req") || return 1

    if [ ! -f "$data/PG_VERSION" ]; then
        locale=C
        if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
        if ! _pg_as "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale="$locale" \
            --auth-local=trust --auth-host=reject --data-checksums >"$data.initdb.log" 2>&1; then
            _pg_say "initdb failed:"
            cat "$data.initdb.log" >&2
            return 1
        fi
        rm -f "$data.initdb.log"
        # Only local (unix socket) connections, trusted; nothing over TCP.
        printf '# TYPE  DATABASE  USER  METHOD\nlocal   all       all   trust\n' >"$data/pg_hba.conf"
        cat >>"$data/postgresql.conf" <<EOF

# ---- fayuan development cluster (deploy/pg.sh) ----
listen_addresses = ''
max_connections = ${PG_MAX_CONNECTIONS:-100}
shared_buffers = ${PG_SHARED_BUFFERS:-256MB}
fsync = on
synchronous_commit = on
full_page_writes = on
unix_socket_permissions = 0777
log_timezone = 'UTC'
timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
# port and unix_socket_directories of the current run:
include_if_exists = 'fayuan-run.conf'
EOF
        _pg_is_root && chown "$PG_OS_USER:" "$data/pg_hba.conf" "$data/postgresql.conf"
    fi

    if _pg_running "$data"; then
        _pg_say "cluster $data already running"
    else
        {
            printf 'port = %s\n' "$port"
            printf 'unix_socket_directories = %s\n' "$(_pg_sq "$ssock")"
        } >"$data/fayuan-run.conf"
        _pg_is_root && chown "$PG_OS_USER:" "$data/fayuan-run.conf"
        if ! _pg_as "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null; then
            _pg_say "the server did not start; end of $data/server.log:"
            tail -n 20 "$data/server.log" >&2
            return 1
        fi
    fi
    # The port and socket of the running server (may differ from the request if it was
    # already running with other ones).
    local rport rsock
    rport=$(sed -n 's/^port = //p' "$data/fayuan-run.conf")
    if [ "$rport" != "$port" ]; then
        _pg_say "cluster $data is running on port $rport, not $port"
        return 1
    fi
    rsock=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$data/fayuan-run.conf")
    if [ "$rsock" != "$sock" ]; then
        ln -sf "$rsock/.s.PGSQL.$port" "$sock/.s.PGSQL.$port"
    fi

    # Role and database (idempotent).
    local psql=("$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres)
    "${psql[@]}" -c "DO \$\$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fayuan') THEN
                CREATE ROLE fayuan LOGIN;
            END IF;
        END \$\$;" || return 1
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'fayuan'")" != 1 ]; then
        "${psql[@]}" -c 'CREATE DATABASE fayuan OWNER fayuan' || return 1
    fi
    return 0
}

pg_stop() {
    if [ $# -ne 1 ]; then
        _pg_say "usage: pg_stop DATADIR"
        return 2
    fi
    local data
    data=$(pg_datadir "$1")
    [ -f "$data/PG_VERSION" ] || return 0
    _pg_running "$data" || return 0
    _pg_as "$PG_BIN/pg_ctl" -D "$data" -m "${PG_STOP_MODE:-fast}" -w -t 60 stop >/dev/null && return 0
    _pg_say "fast shutdown timed out; immediate shutdown of $data"
    _pg_as "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null
}

pg_status() {
    if [ $# -ne 1 ]; then
        _pg_say "usage: pg_status DATADIR"
        return 2
    fi
    local data pid port sock
    data=$(pg_datadir "$1")
    if [ ! -f "$data/PG_VERSION" ]; then
        echo "no cluster in $data"
        return 3
    fi
    if _pg_running "$data"; then
        pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null)
        port=$(sed -n 's/^port = //p' "$data/fayuan-run.conf" 2>/dev/null)
        sock=$(sed -n "s/^unix_socket_directories = '\(.*\)'$/\1/p" "$data/fayuan-run.conf" 2>/dev/null)
        echo "running: pid $pid, socket $sock/.s.PGSQL.$port, data $data"
        return 0
    fi
    echo "stopped: data $data"
    return 3
}

pg_destroy() {
    if [ $# -ne 1 ]; then
        _pg_say "usage: pg_destroy DATADIR"
        return 2
    fi
    local req fb
    req=$(_pg_abs "$1")
    pg_stop "$req" || return 1
    fb=$(_pg_fallback_base "$req")
    rm -rf "$req" "$fb"
    return 0
}

# Run as a script: bash deploy/pg.sh start|stop|status|destroy|datadir ARGS...
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    cmd=${1:-}
    shift || true
    case $cmd in
    start | stop | status | destroy | datadir) "pg_$cmd" "$@" ;;
    *)
        echo "usage: $0 start DATADIR SOCKDIR PORT | stop DATADIR | status DATADIR | destroy DATADIR" >&2
        exit 2
        ;;
    esac
fi

/* migrate — see include/fayuan/migrate.h. */
#include "fayuan/migrate.h"

#include "fayuan/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_exec(PGconn *conn, const char *sql, int nparams, const char *const *params, char *err,
                  size_t errlen)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* 1 if (component, version) was applied, 0 if not, -1 on error. */
static int s_applied(PGconn *conn, const char *component, int version, char *err, size_t errlen)
{
    char ver[16];
    snprintf(ver, sizeof ver, "%d", version);
    const char *params[] = {component, ver};
    PGresult *res =
        PQexecParams(conn, "SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2",
                     2, NULL, params, NULL, NULL, 0);
    int rc = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        rc = PQntuples(res) > 0;
    else
        snprintf(err, errlen, "%s", PQresultErrorMessage(res));
    PQclear(res);
    return rc;
}

static int s_apply(PGconn *conn, const char *component, const migration_t *m, char *err,
                   size_t errlen)
{
    char ver[16];
    snprintf(ver, sizeof ver, "%d", m->version);
    const char *params[] = {component, ver, m->name};
    if (s_exec(conn, "BEGIN", 0, NULL, err, errlen))
        return -1;
    /* PQexec (not PQexecParams) so a migration file may hold many statements. */
    PGresult *res = PQexec(conn, m->sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s %s: %s", component, m->name, PQresultErrorMessage(res));
        PQclear(res);
        goto rollback;
    }
    PQclear(res);
    if (s_exec(conn, "INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
               3, params, err, errlen))
        goto rollback;
    if (s_exec(conn, "COMMIT", 0, NULL, err, errlen))
        goto rollback;
    log_info("migrated %s to %d (%s)", component, m->version, m->name);
    return 0;
rollback : {
    char ignore[8];
    (void)s_exec(conn, "ROLLBACK", 0, NULL, ignore, sizeof ignore);
}
    return -1;
}

int migrate_run(PGconn *conn, const char *schema, const char *component, const migration_t *migs,
                size_t n, char *err, size_t errlen)
{
    int rc = -1;
    const char *params[] = {schema};
    char *ident = PQescapeIdentifier(conn, schema, strlen(schema));
    char sql[256];
    if (!ident) {
        snprintf(err, errlen, "bad schema name");
        return -1;
    }
    /* One migrator per schema at a time, whatever else is starting. */
    if (s_exec(conn, "SELECT pg_advisory_lock(hashtext($1))", 1, params, err, errlen))
        goto out;
    snprintf(sql, sizeof sql, "CREATE SCHEMA IF NOT EXISTS %s", ident);
    if (s_exec(conn, sql, 0, NULL, err, errlen))
        goto unlock;
    snprintf(sql, sizeof sql, "SET search_path TO %s", ident);
    if (s_exec(conn, sql, 0, NULL, err, errlen))
        goto unlock;
    if (s_exec(conn,
               "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " component text NOT NULL, version int NOT NULL, name text NOT NULL,"
               " applied_at timestamptz NOT NULL DEFAULT now(),"
               " PRIMARY KEY (component, version))",
               0, NULL, err, errlen))
        goto unlock;
    /* Every migration not recorded yet, in version order — also one that
     * arrived after a later one was applied (work merged in another order). */
    for (size_t i = 0; i < n; i++) {
        int applied = s_applied(conn, component, migs[i].version, err, errlen);
        if (applied < 0)
            goto unlock;
        if (!applied && s_apply(conn, component, &migs[i], err, errlen))
            goto unlock;
    }
    rc = 0;
unlock : {
    char ignore[8];
    (void)s_exec(conn, "SELECT pg_advisory_unlock(hashtext($1))", 1, params, ignore, sizeof ignore);
}
out:
    PQfreemem(ident);
    return rc;
}

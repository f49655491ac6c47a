/* migrate — versioned schema migrations, embedded in each binary from
 * services/<svc>/migrations/NNN_name.sql (see services/common/embed-sql.sh).
 * Each service owns one PostgreSQL schema; at start it applies, under an
 * advisory lock, first the common migrations (outbox, inbox, request log)
 * and then its own, each in its own transaction with search_path set to the
 * schema, recording (component, version) in <schema>.schema_migrations.
 * Every migration not yet recorded is applied, in version order.
 * Runs synchronously, before the event loop starts. */
#ifndef FAYUAN_MIGRATE_H
#define FAYUAN_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    int version;
    const char *name;
    const char *sql;
} migration_t;

extern const migration_t common_migrations[];
extern const size_t common_migrations_count;

/* Applies what is missing. 0 on success; -1 with a reason in err. */
int migrate_run(PGconn *conn, const char *schema, const char *component, const migration_t *migs,
                size_t n, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif

/* outbox_race — the outbox's promise under real concurrency: per producer,
 * seq is gap-free and in commit order, so a reader that has seen seq N has
 * already been able to see every seq below N. Several processes, each with
 * its own connection, write events through the very statement the outbox
 * uses, in transactions that hold their number for a random while and
 * sometimes roll back; a reader polls all the time and fails on the first
 * read that shows a hole below a seq it can see. Also: migrations are
 * idempotent. Run by test_outbox_race.py with FAYUAN_TEST_DSN set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fayuan/db.h"
#include "fayuan/migrate.h"
#include "fayuan/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITERS 4
#define TXNS 150
#define SCHEMA "race"

static const char *s_dsn(void)
{
    const char *dsn = getenv("FAYUAN_TEST_DSN");
    return dsn ? dsn : "dbname=fayuan";
}

static PGconn *s_connect(void)
{
    char err[512];
    PGconn *c = db_connect_blocking(s_dsn(), SCHEMA, err, sizeof err);
    if (!c)
        fail_msg("connect: %s", err);
    return c;
}

static void s_exec_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
}

static void test_migrations_idempotent(void **state)
{
    PGconn *c = s_connect();
    char err[512];
    for (int i = 0; i < 3; i++)
        assert_int_equal(migrate_run(c, SCHEMA, "common", common_migrations,
                                     common_migrations_count, err, sizeof err),
                         0);
    PGresult *r = PQexec(c, "SELECT count(*) FROM schema_migrations WHERE component = 'common'");
    assert_string_equal(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    PQfinish(c);
}

/* One writer: TXNS transactions of 1-3 events each, 1 in 8 rolled back,
 * each sleeping 0-3 ms while it holds its numbers. */
static int s_writer(int id)
{
    PGconn *c = s_connect();
    srand((unsigned)(getpid() ^ time(NULL)));
    int committed = 0;
    for (int t = 0; t < TXNS; t++) {
        int n = 1 + rand() % 3;
        char count[8], types[64] = "{", centers[64] = "{", occ[64] = "{", pay[64] = "{",
                       origins[64] = "{";
        snprintf(count, sizeof count, "%d", n);
        for (int i = 0; i < n; i++) {
            strcat(types, i ? ",\"T\"" : "\"T\"");
            strcat(centers, i ? ",\"wz\"" : "\"wz\"");
            strcat(occ, i ? ",1" : "1");
            strcat(pay, i ? ",\"00\"" : "\"00\"");
            strcat(origins, i ? ",0" : "0");
        }
        strcat(types, "}");
        strcat(centers, "}");
        strcat(occ, "}");
        strcat(pay, "}");
        strcat(origins, "}");
        const char *params[] = {count, types, centers, occ, pay, origins};
        s_exec_ok(c, "BEGIN");
        PGresult *r = PQexecParams(c, outbox_insert_sql, 6, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "writer %d: %s\n", id, PQresultErrorMessage(r));
            PQclear(r);
            PQfinish(c);
            return -1;
        }
        PQclear(r);
        usleep((useconds_t)(rand() % 3000));
        bool rollback = rand() % 8 == 0;
        s_exec_ok(c, rollback ? "ROLLBACK" : "COMMIT");
        committed += rollback ? 0 : n;
    }
    PQfinish(c);
    return committed;
}

static void test_seq_gap_free_in_commit_order(void **state)
{
    PGconn *c = s_connect();
    s_exec_ok(c, "TRUNCATE outbox");
    s_exec_ok(c, "UPDATE outbox_head SET seq = 0");
    int pipes[WRITERS][2];
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        assert_int_equal(pipe(pipes[w]), 0);
        pids[w] = fork();
        if (pids[w] == 0) {
            int committed = s_writer(w);
            ssize_t wr = write(pipes[w][1], &committed, sizeof committed);
            _exit(wr == (ssize_t)sizeof committed && committed >= 0 ? 0 : 1);
        }
    }
    /* The reader: every snapshot must be exactly 1..max. */
    int reads = 0, running = WRITERS;
    long long seen = 0;
    while (running > 0) {
        PGresult *r = PQexec(c, "SELECT count(*), coalesce(max(seq), 0) FROM outbox");
        long long count = atoll(PQgetvalue(r, 0, 0)), max = atoll(PQgetvalue(r, 0, 1));
        PQclear(r);
        if (count != max)
            fail_msg("read %d saw %lld rows but seq up to %lld: a hole below a visible seq", reads,
                     count, max);
        assert_true(max >= seen); /* never goes backwards */
        seen = max;
        reads++;
        int status;
        while (waitpid(-1, &status, WNOHANG) > 0) {
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
            running--;
        }
    }
    int total = 0;
    for (int w = 0; w < WRITERS; w++) {
        int committed = 0;
        assert_int_equal(read(pipes[w][0], &committed, sizeof committed),
                         (ssize_t)sizeof committed);
        total += committed;
        close(pipes[w][0]);
        close(pipes[w][1]);
    }
    PGresult *r = PQexec(c, "SELECT count(*), max(seq), (SELECT seq FROM outbox_head) FROM outbox");
    assert_int_equal(atoi(PQgetvalue(r, 0, 0)), total);
    assert_int_equal(atoi(PQgetvalue(r, 0, 1)), total);
    assert_int_equal(atoi(PQgetvalue(r, 0, 2)), total);
    PQclear(r);
    print_message("%d events committed by %d writers, %d consistent reads\n", total, WRITERS,
                  reads);
    assert_true(reads > 10);
    PQfinish(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_idempotent),
        cmocka_unit_test(test_seq_gap_free_in_commit_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

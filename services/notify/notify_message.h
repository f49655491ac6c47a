/* notify_message — the text of one notification: the template filled with
 * every placeholder a notification may use, built from the values it was
 * raised with (the JSON object in notifications.vars), the template's
 * defaults for missing values, and what the delivery knows besides (the
 * read-model's name, the center). Called by notify_deliver; pure. */
#ifndef FAYUAN_NOTIFY_MESSAGE_H
#define FAYUAN_NOTIFY_MESSAGE_H

/* What a notification is rendered with besides its own values. */
typedef struct {
    const char *name;        /* the lawyer's name in the read-model ("" if unknown) */
    const char *licence;     /* the lawyer the notification is about */
    const char *center_name; /* [notify] center_name */
    int utc_offset;          /* [center] utc_offset_minutes */
} notify_message_ctx_t;

/* Renders a template with every placeholder a notification may use:
 *   {name} {licence} {center_name};
 *   TierChanged: {quarter} {points} {position} {ranked} {old_tier} {new_tier};
 *   MemberNotice: {pool} {rule} {reason} {until} {other} {firm}.
 * vars_json is the JSON object the notification was raised with ("name" in
 * it wins over ctx->name; the licence stands in for a name known nowhere).
 * A value that is missing or empty is replaced by the template's default for
 * that key, from defaults_json (a JSON object of strings; NULL or "" for
 * none), else by "" — except {pool}, whose "" means every pool. A reason's
 * trailing "。" is dropped (templates end the sentence themselves).
 * Returns a malloc'ed string (caller frees), NULL if out of memory. */
char *notify_message_render(const char *tpl, const char *vars_json, const char *defaults_json,
                            const notify_message_ctx_t *ctx);

#endif

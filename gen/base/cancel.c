/* A request to stop, made from outside (a signal handler) and read by the long stages. */
#include "jd_base.h"

#include <stdatomic.h>

/* A lock-free atomic is the one kind of object a signal handler may write and other
 * threads read (C11 7.14.1.1). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a cancel request needs a lock-free atomic int");

struct jd_cancel {
    atomic_int reason;
};

jd_cancel *jd_cancel_new(void)
{
    jd_cancel *c = g_new0(jd_cancel, 1);
    atomic_init(&c->reason, 0);
    return c;
}

void jd_cancel_free(jd_cancel *cancel)
{
    g_free(cancel);
}

void jd_cancel_request(jd_cancel *cancel, int reason)
{
    int none = 0;
    if (cancel) atomic_compare_exchange_strong(&cancel->reason, &none, reason ? reason : 1);
}

int jd_cancel_reason(const jd_cancel *cancel)
{
    return cancel ? atomic_load(&((jd_cancel *)cancel)->reason) : 0;
}

bool jd_cancel_check(const jd_cancel *cancel, const char *file, jd_diags *diags)
{
    if (!jd_cancel_reason(cancel)) return false;
    jd_diags_add(diags, JD_ERROR, file, 0, 0, "interrupted");
    return true;
}

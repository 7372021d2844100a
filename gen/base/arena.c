/* Memory freed all at once: allocations carved from a few large chunks. */
#include "jd_base.h"

#include <stddef.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[]; /* aligned for any type */
} chunk;

struct jd_arena {
    chunk *chunks; /* the one being filled first */
};

enum { FIRST_CHUNK = 4096, LARGEST_CHUNK = 1 << 20 };

jd_arena *jd_arena_new(void)
{
    return g_new0(jd_arena, 1);
}

void *jd_arena_alloc(jd_arena *arena, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    chunk *c = arena->chunks;
    if (!c || c->size - c->used < n) {
        /* chunks double up to a megabyte: a small page or document stays small */
        size_t size = MAX(n, (size_t)(c ? MIN(c->size * 2, (size_t)LARGEST_CHUNK) : FIRST_CHUNK));
        chunk *fresh = g_malloc(sizeof(chunk) + size);
        fresh->next = c;
        fresh->used = 0;
        fresh->size = size;
        arena->chunks = c = fresh;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

char *jd_arena_strndup(jd_arena *arena, const char *s, size_t len)
{
    char *p = jd_arena_alloc(arena, len + 1);
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void jd_arena_free(jd_arena *arena)
{
    if (!arena) return;
    for (chunk *c = arena->chunks, *next; c; c = next) {
        next = c->next;
        g_free(c);
    }
    g_free(arena);
}

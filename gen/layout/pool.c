/* Shaping table cells, and the paragraphs of the body, on other threads.
 *
 * Shaping (pango and HarfBuzz) is most of a table's layout, and of a page of text, and
 * every cell and paragraph can be shaped on its own; pagination cannot. So while the layout walks the rows, worker threads shape
 * the cells ahead of it, in order, each with its own pango font map over the same font
 * configuration. The layout takes a cell's paragraphs when it reaches the cell; when no
 * worker has started that cell yet it shapes the cell itself, so it never waits for work
 * that is not under way, and the workers never run more than WINDOW cells ahead (memory
 * stays bounded by the window, not the table).
 *
 * What a worker hands over is packed: each paragraph one block, chained, with no container.
 * The layout frees it, and glibc takes the lock of the worker's malloc arena for each such
 * block; with a container and five blocks a paragraph the two threads spent the time the
 * worker saved waiting on each other's arena (a 327-page list laid out no faster on two
 * threads than on one).
 *
 * Nothing a worker does reaches the output directly: font keys are interned, and font ids
 * and errors are assigned when the layout adopts a paragraph, in document order. The pages
 * are therefore the same whatever the number of threads. The workers never touch cairo:
 * cairo 1.16 is not safe with two threads using one FreeType font, and the font map is
 * pango's FreeType one. */
#include "layout_private.h"

/* WAKE_STEP: a worker that ran a window ahead sleeps until the layout has taken this many
 * more cells, not one (a wake-up per cell made tens of thousands of futex calls in a long
 * table). */
enum { WINDOW = 256, WAKE_STEP = 32, MIN_CELLS = 32 };

/* JOB_TAKEN: the layout has it (shaped by a worker, or left for the layout to shape). */
typedef enum { JOB_FREE, JOB_CLAIMED, JOB_DONE, JOB_GAVE_UP, JOB_TAKEN } job_state;

typedef struct {
    const jd_node *container;
    job_state state;
    jl_para *paras;   /* once done: the first, the others chained through `next` */
} job;

struct jl_pool {
    jd_fonts *fonts;
    jl_shaper *own_shaper; /* the layout's, for cells it shapes while it waits */
    jl_font_keys *keys;
    GHashTable *descs; /* jd_style* -> jl_descs*, read by every worker */
    job *jobs;
    size_t n_jobs;
    size_t next;       /* first job a worker may claim */
    size_t consumed;   /* jobs before this one were taken by the layout */
    size_t awaited;    /* the job the layout waits for a worker to finish, or SIZE_MAX */
    int idle;          /* workers waiting for room */
    bool stop;
    GMutex lock;
    GCond room;        /* to the workers: the window moved, or stop */
    GCond done;        /* to the layout: the job it waits for is finished */
    GThread **threads;
    int n_threads;
};

static bool is_text_block(const jd_node *n)
{
    jd_node_type t = jd_node_get_type(n);
    return t == JD_NODE_PARAGRAPH || t == JD_NODE_HEADING;
}

static void free_chain(jl_para *p)
{
    while (p) {
        jl_para *next = p->next;
        jl_para_free(p);
        p = next;
    }
}

/* Shapes the paragraphs of one cell (or the one paragraph of a block of the body) into
 * `*chain`, chained through `next` (no container); a worker's are `packed` into one block
 * each, since every block a worker allocates is one the layout's thread frees. False when
 * the cell cannot be shaped without the layout. */
static bool shape_cell(jl_shaper *sh, const jd_node *container, bool packed, jl_para **chain)
{
    *chain = NULL;
    jl_para **tail = chain;
    bool single = is_text_block(container);
    for (const jd_node *b = single ? container : jd_node_first_child(container); b; b = single ? NULL : jd_node_next(b)) {
        /* anything else is an error the layout reports itself */
        jl_para *p = is_text_block(b) ? jl_para_shape_with(sh, b, NULL, NULL) : NULL;
        if (!p) {
            free_chain(*chain);
            *chain = NULL;
            return false;
        }
        *tail = packed ? jl_para_pack(p) : p;
        tail = &(*tail)->next;
    }
    return true;
}

/* With the lock held: claims the first free job inside the window, or returns n_jobs. */
static size_t claim_next(jl_pool *pool)
{
    while (pool->next < pool->n_jobs && pool->jobs[pool->next].state != JOB_FREE)
        pool->next++;
    if (pool->stop || pool->next >= pool->n_jobs || pool->next >= pool->consumed + WINDOW)
        return pool->n_jobs;
    pool->jobs[pool->next].state = JOB_CLAIMED;
    return pool->next++;
}

/* With the lock held: stores a claimed job's result. */
static void finish(jl_pool *pool, size_t i, bool shaped, jl_para *paras)
{
    pool->jobs[i].paras = paras;
    pool->jobs[i].state = shaped ? JOB_DONE : JOB_GAVE_UP;
    if (i == pool->awaited)
        g_cond_signal(&pool->done);
}

static gpointer worker(gpointer data)
{
    jl_pool *pool = data;
    PangoFontMap *map = jd_fonts_new_fontmap(pool->fonts);

    jl_shaper sh;
    jl_shaper_init(&sh, map, NULL, pool->descs, pool->keys, NULL);
    g_mutex_lock(&pool->lock);
    for (;;) {
        size_t i = claim_next(pool);
        if (i == pool->n_jobs) {
            if (pool->stop || pool->next >= pool->n_jobs)
                break;
            pool->idle++;
            g_cond_wait(&pool->room, &pool->lock); /* the window is full */
            pool->idle--;
            continue;
        }
        g_mutex_unlock(&pool->lock);
        jl_para *paras;
        bool shaped = shape_cell(&sh, pool->jobs[i].container, true, &paras);
        g_mutex_lock(&pool->lock);
        finish(pool, i, shaped, paras);
    }
    g_mutex_unlock(&pool->lock);
    jl_shaper_clear(&sh);
    jd_fonts_free_fontmap(map);
    return NULL;
}

/* Every style a cell's text can have gets its font description now, on the layout's
 * thread (resolving a family may add a font file to the configuration and warn); the
 * workers only read the copies. */
static void collect_descs(jl_ctx *ctx, GHashTable *descs, const jd_node *n)
{
    const jd_style *s = jd_node_style(n);
    if (s && !g_hash_table_contains(descs, s))
        g_hash_table_insert(descs, (gpointer)s, jl_descs_copy(jl_font_desc(ctx, s)));
    for (const jd_node *c = jd_node_first_child(n); c; c = jd_node_next(c))
        collect_descs(ctx, descs, c);
}

jl_pool *jl_pool_start(jl_ctx *ctx, const jd_node *const *containers, size_t n)
{
    /* resolved even when no thread is started, so that a warning about a family that is
     * not installed comes at the same point whatever the number of cores */
    GHashTable *descs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)jl_descs_free);
    for (size_t i = 0; i < n; i++)
        collect_descs(ctx, descs, containers[i]);
    if (ctx->threads < 2 || n < MIN_CELLS) {
        g_hash_table_destroy(descs);
        return NULL;
    }
    jl_pool *pool = g_new0(jl_pool, 1);
    pool->fonts = ctx->fonts;
    pool->own_shaper = &ctx->shaper;
    pool->keys = ctx->shaper.keys;
    pool->descs = descs;
    pool->jobs = g_new0(job, n);
    pool->n_jobs = n;
    for (size_t i = 0; i < n; i++)
        pool->jobs[i].container = containers[i];
    pool->awaited = SIZE_MAX;
    g_mutex_init(&pool->lock);
    g_cond_init(&pool->room);
    g_cond_init(&pool->done);
    pool->n_threads = ctx->threads - 1;
    pool->threads = g_new0(GThread *, pool->n_threads);
    for (int t = 0; t < pool->n_threads; t++)
        pool->threads[t] = g_thread_new("jindu-shape", worker, pool);
    return pool;
}

GPtrArray *jl_pool_take(jl_pool *pool, size_t i)
{
    if (!pool || i >= pool->n_jobs)
        return NULL;
    g_mutex_lock(&pool->lock);
    if (i + 1 > pool->consumed) {
        size_t before = pool->consumed;
        pool->consumed = i + 1;
        if (pool->idle > 0 && before / WAKE_STEP != pool->consumed / WAKE_STEP)
            g_cond_broadcast(&pool->room);
    }
    job *j = &pool->jobs[i];
    jl_para *chain = NULL;
    bool shaped = false;
    if (j->state == JOB_FREE) {
        j->state = JOB_TAKEN;
    } else {
        while (j->state == JOB_CLAIMED) {
            /* rather than wait for a worker, shape the next free cell too */
            size_t k = claim_next(pool);
            if (k == pool->n_jobs) {
                pool->awaited = i;
                g_cond_wait(&pool->done, &pool->lock);
                pool->awaited = SIZE_MAX;
                continue;
            }
            g_mutex_unlock(&pool->lock);
            jl_para *own;
            bool own_shaped = shape_cell(pool->own_shaper, pool->jobs[k].container, false, &own);
            g_mutex_lock(&pool->lock);
            finish(pool, k, own_shaped, own);
        }
        shaped = j->state == JOB_DONE;
        chain = j->paras;
        j->paras = NULL;
        j->state = JOB_TAKEN;
    }
    g_mutex_unlock(&pool->lock);
    if (!shaped)
        return NULL;
    GPtrArray *paras = g_ptr_array_new_with_free_func((GDestroyNotify)jl_para_free);
    while (chain) {
        jl_para *next = chain->next;
        chain->next = NULL;
        g_ptr_array_add(paras, chain);
        chain = next;
    }
    return paras;
}

void jl_pool_free(jl_pool *pool)
{
    if (!pool)
        return;
    g_mutex_lock(&pool->lock);
    pool->stop = true;
    g_cond_broadcast(&pool->room);
    g_mutex_unlock(&pool->lock);
    for (int t = 0; t < pool->n_threads; t++)
        g_thread_join(pool->threads[t]);
    for (size_t i = 0; i < pool->n_jobs; i++)
        free_chain(pool->jobs[i].paras);
    g_free(pool->threads);
    g_free(pool->jobs);
    g_hash_table_destroy(pool->descs);
    g_mutex_clear(&pool->lock);
    g_cond_clear(&pool->room);
    g_cond_clear(&pool->done);
    g_free(pool);
}

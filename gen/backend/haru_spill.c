/* Page contents out of memory until the file is written.
 *
 * libharu 2.3.0 keeps every page's content stream (the drawing operators, uncompressed) in
 * memory — an HPDF_MemStream per page — until the document is saved: 26 KB a page of a
 * table, 220 MB for 8,334 pages. A page is finished once it is drawn (the backend draws
 * pages in order and never comes back), so its operators go to a scratch file (one for
 * the document, without a name: jd_scratch_file), and the page's contents dictionary gets
 * a stream that reads them back from there instead. The dictionary's filter is left as it
 * was: at save time libharu deflates (and encrypts) what it reads exactly as it would have
 * from memory — zlib's output does not depend on how its input is cut into reads (the
 * whole stream is given with Z_NO_FLUSH, then Z_FINISH), so the file is byte for byte
 * the same.
 *
 * When the scratch file cannot be made or a write to it fails (a full disk), the page and
 * every later one stay in memory, as in jd_pages: memory grows, the output does not
 * change. A read back that fails while the file is written is an error (haru_spill_report). */
#include <errno.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <unistd.h>

#include "haru_private.h"

struct haru_spill {
    int fd;         /* -1 before the first page is written, -2: none (pages stay in memory) */
    bool full;      /* a write failed: later pages stay in memory (earlier ones are read) */
    gint64 end;     /* bytes written so far */
    int read_error; /* errno of the first read back that failed, or 0 */
    size_t read_page;
};

/* One page's contents in the scratch file: the attr of its stream. */
typedef struct {
    haru_spill *spill;
    gint64 offset;
    HPDF_UINT32 size, pos;
    size_t page; /* 0-based, for the message */
} region;

haru_spill *haru_spill_new(void)
{
    haru_spill *s = g_new0(haru_spill, 1);
    s->fd = -1;
    return s;
}

void haru_spill_free(haru_spill *s)
{
    if (!s) return;
    if (s->fd >= 0) close(s->fd);
    g_free(s);
}

/* Reads as HPDF_MemStream_ReadFunc does: all of *size, or what is left with
 * HPDF_STREAM_EOF (not an error: the end libharu's readers wait for). */
static HPDF_STATUS region_read(HPDF_Stream stream, HPDF_BYTE *buf, HPDF_UINT *size)
{
    region *r = stream->attr;
    HPDF_UINT want = *size, left = r->size - r->pos, n = MIN(want, left);
    *size = 0;
    if (!jd_pread_all(r->spill->fd, buf, n, r->offset + r->pos)) {
        if (r->spill->read_error == 0) {
            r->spill->read_error = errno;
            r->spill->read_page = r->page;
        }
        return HPDF_SetError(stream->error, HPDF_FILE_IO_ERROR, 0);
    }
    r->pos += n;
    *size = n;
    return n < want ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS region_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode)
{
    region *r = stream->attr;
    gint64 to = mode == HPDF_SEEK_CUR ? (gint64)r->pos + pos
                : mode == HPDF_SEEK_END ? (gint64)r->size - pos
                                        : pos;
    if (to < 0 || to > r->size) return HPDF_SetError(stream->error, HPDF_STREAM_EOF, 0);
    r->pos = (HPDF_UINT32)to;
    return HPDF_OK;
}

static HPDF_INT32 region_tell(HPDF_Stream stream)
{
    return (HPDF_INT32)((region *)stream->attr)->pos;
}

static HPDF_UINT32 region_size(HPDF_Stream stream)
{
    return ((region *)stream->attr)->size;
}

static void region_free(HPDF_Stream stream)
{
    g_free(stream->attr);
    stream->attr = NULL;
}

/* Appends the memory stream's bytes to the scratch file; false if they are not all there. */
static bool write_stream(haru_spill *s, HPDF_Stream mem)
{
    gint64 at = s->end;
    HPDF_UINT n = HPDF_MemStream_GetBufCount(mem);
    for (HPDF_UINT i = 0; i < n; i++) {
        HPDF_UINT len = 0;
        const HPDF_BYTE *buf = HPDF_MemStream_GetBufPtr(mem, i, &len);
        if (!buf || !jd_pwrite_all(s->fd, buf, len, at)) return false;
        at += len;
    }
    return at - s->end == (gint64)mem->size;
}

void haru_spill_page(haru_spill *s, HPDF_Page page, size_t index)
{
    HPDF_PageAttr attr = page->attr;
    HPDF_Dict contents = attr->contents;
    HPDF_Stream mem = contents->stream;
    /* a page still inside a text or path object would get its end written at save */
    if (!mem || mem->type != HPDF_STREAM_MEMORY || mem->size == 0 ||
        attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION)
        return;
    if (s->fd == -1) {
        char *path = NULL;
        s->fd = jd_scratch_file(&path);
        g_free(path);
        if (s->fd < 0) s->fd = -2;
    }
    if (s->fd < 0 || s->full) return;
    if (!write_stream(s, mem)) {
        /* a full disk: this page and the later ones stay in memory; the file stays open
         * for the pages already in it */
        s->full = true;
        return;
    }
    region *r = g_new(region, 1);
    *r = (region){s, s->end, mem->size, 0, index};
    HPDF_Stream file = HPDF_CallbackReader_New(page->mmgr, region_read, region_seek, region_tell,
                                               region_size, r);
    if (!file) { /* libharu's error handler has it */
        g_free(r);
        return;
    }
    file->free_fn = region_free;
    s->end += mem->size;
    contents->stream = file;
    /* nothing draws on a finished page; an operator would now fail (a stream that cannot
     * be written), never write into freed memory */
    attr->stream = file;
    HPDF_Stream_Free(mem);
}

bool haru_spill_report(const haru_spill *s, const char *path, jd_diags *diags)
{
    if (!s->read_error) return false;
    jd_diags_add(diags, JD_ERROR, path, 0, 0,
                 "haru backend: cannot read the contents of page %zu back from the scratch file: %s",
                 s->read_page + 1, g_strerror(s->read_error));
    return true;
}

size_t haru_spill_held(HPDF_Page const *pages, size_t n)
{
    size_t held = 0;
    for (size_t i = 0; i < n; i++) {
        HPDF_Stream st = ((HPDF_PageAttr)pages[i]->attr)->contents->stream;
        if (st && st->type == HPDF_STREAM_MEMORY) held += st->size;
    }
    return held;
}

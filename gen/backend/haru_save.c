/* Writing a libharu document with a reproducible file identifier.
 *
 * libharu 2.3.0 builds an encrypted file's /ID from time(NULL) (HPDF_EncryptDict_CreateID),
 * and the RC4 key depends on the /ID, so every byte of an encrypted file changes from one
 * second to the next. This does what HPDF_SaveToStream does (header, trailer, objects,
 * cross-reference table: libharu's own writers) but takes the /ID from an MD5 digest of
 * the unencrypted document instead: equal input, equal bytes; different content, different
 * key. Unencrypted documents have no /ID and are written exactly as libharu writes them. */
#include <hpdf_encryptdict.h>
#include <string.h>

#include "haru_private.h"

/* libharu's header for each HPDF_PDFVer (HPDF_VERSION_STR in hpdf_doc.c) */
static const char *const pdf_headers[] = {
    "%PDF-1.2\n%\267\276\255\252\n", "%PDF-1.3\n%\267\276\255\252\n",
    "%PDF-1.4\n%\267\276\255\252\n", "%PDF-1.5\n%\267\276\255\252\n",
    "%PDF-1.6\n%\267\276\255\252\n", "%PDF-1.7\n%\267\276\255\252\n"};

static HPDF_STATUS write_to_file(HPDF_Stream stream, const HPDF_BYTE *data, HPDF_UINT len)
{
    return jd_sink_write(stream->attr, data, len) ? HPDF_OK : HPDF_FILE_IO_ERROR;
}

static HPDF_STATUS write_to_digest(HPDF_Stream stream, const HPDF_BYTE *data, HPDF_UINT len)
{
    g_checksum_update(stream->attr, data, len);
    return HPDF_OK;
}

static HPDF_STATUS write_document(HPDF_Doc pdf, HPDF_Stream_Write_Func sink, void *data,
                                  HPDF_Encrypt e)
{
    HPDF_Stream stream = HPDF_CallbackWriter_New(pdf->mmgr, sink, data);
    if (!stream) return HPDF_FAILD_TO_ALLOC_MEM;
    HPDF_STATUS st = HPDF_Stream_WriteStr(stream, pdf_headers[pdf->pdf_version]);
    if (st == HPDF_OK) st = HPDF_Dict_Add(pdf->trailer, "Root", pdf->catalog);
    if (st == HPDF_OK && pdf->info) st = HPDF_Dict_Add(pdf->trailer, "Info", pdf->info);
    if (st == HPDF_OK) st = HPDF_Xref_WriteToStream(pdf->xref, stream, e);
    HPDF_Stream_Free(stream);
    return st;
}

/* The encryption dictionary and /ID, as HPDF_EncryptDict_Prepare and
 * HPDF_Doc_PrepareEncryption make them, with `id` as the file identifier. */
static HPDF_STATUS prepare_encryption(HPDF_Doc pdf, HPDF_Encrypt e, const guint8 id[HPDF_ID_LEN])
{
    memcpy(e->encrypt_id, id, HPDF_ID_LEN);
    HPDF_Encrypt_CreateOwnerKey(e);
    HPDF_Encrypt_CreateEncryptionKey(e);
    HPDF_Encrypt_CreateUserKey(e);
    HPDF_Dict dict = pdf->encrypt_dict;
    HPDF_STATUS st =
        HPDF_Dict_Add(dict, "O", HPDF_Binary_New(pdf->mmgr, e->owner_key, HPDF_PASSWD_LEN));
    st += HPDF_Dict_Add(dict, "U", HPDF_Binary_New(pdf->mmgr, e->user_key, HPDF_PASSWD_LEN));
    st += HPDF_Dict_AddName(dict, "Filter", "Standard");
    if (e->mode == HPDF_ENCRYPT_R2) {
        st += HPDF_Dict_AddNumber(dict, "V", 1);
        st += HPDF_Dict_AddNumber(dict, "R", 2);
    } else {
        st += HPDF_Dict_AddNumber(dict, "V", 2);
        st += HPDF_Dict_AddNumber(dict, "R", 3);
        st += HPDF_Dict_AddNumber(dict, "Length", e->key_len * 8);
    }
    st += HPDF_Dict_AddNumber(dict, "P", e->permission);
    HPDF_Array ids = HPDF_Array_New(pdf->mmgr);
    st += HPDF_Dict_Add(pdf->trailer, "ID", ids);
    st += HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, e->encrypt_id, HPDF_ID_LEN));
    st += HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, e->encrypt_id, HPDF_ID_LEN));
    return st == HPDF_OK ? HPDF_OK : HPDF_INVALID_OBJECT;
}

HPDF_STATUS haru_save(HPDF_Doc pdf, jd_sink *out)
{
    if (!pdf->encrypt_on) return write_document(pdf, write_to_file, out, NULL);
    HPDF_Encrypt e = HPDF_EncryptDict_GetAttr(pdf->encrypt_dict);
    if (!e) return HPDF_DOC_ENCRYPTDICT_NOT_FOUND;
    GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
    HPDF_STATUS st = write_document(pdf, write_to_digest, md5, NULL);
    guint8 id[HPDF_ID_LEN];
    gsize id_len = sizeof id;
    g_checksum_get_digest(md5, id, &id_len);
    g_checksum_free(md5);
    if (st == HPDF_OK) st = prepare_encryption(pdf, e, id);
    if (st == HPDF_OK) st = write_document(pdf, write_to_file, out, e);
    return st;
}

/* Expressions: a lexer and a recursive-descent parser that build a small tree once, at
 * load time, and an evaluator that walks it against the data without copying values.
 *
 * Precedence, lowest first: or; and; not; comparisons and `in`; + -; * / %; unary -;
 * postfix (.name, [index], | filter(args)). Filters bind tighter than operators, as in
 * Jinja: `t.units | length > 1` compares the length; `(i + 1) | cn_number` needs the
 * parentheses.
 */
#include <math.h>
#include <string.h>

#include "tpl.h"

enum { MAX_DEPTH = 64 };
/* Longest path from the root of an expression's tree to a leaf. Parsing is iterative for
 * chains (`1+1+…`, `x|f|f|…`) but freeing, searching and evaluating walk the tree
 * recursively, so a chain of 100,000 would overflow the stack. */
enum { MAX_HEIGHT = 256 };

typedef enum {
    N_LITERAL,
    N_LIST,
    N_VAR,
    N_MEMBER,
    N_INDEX,
    N_FILTER,
    N_NEG,
    N_NOT,
    N_BINARY,
    N_AND,
    N_OR,
} node_kind;

typedef enum {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_IN
} binop;

static const char *const op_names[] = {
    "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in"};

typedef struct enode enode;
struct enode {
    node_kind kind;
    binop op;
    size_t start, end; /* raw source offsets of the whole node */
    size_t mark;       /* start of the node's own part, for messages: '.name', '[i]', 'f(a)' */
    jd_value *literal;
    const char *name; /* variable or member, interned */
    const tpl_filter *filter;
    bool lenient; /* the input of `default`: a missing value is null, even in strict mode */
    enode *a, *b;
    enode **args; /* filter arguments, list items */
    int nargs;
    int height; /* 1 for a leaf */
};

struct tpl_expr {
    enode *root;
    const tpl_source *src;
};

/* ---- lexer ------------------------------------------------------------------------- */

typedef enum { T_EOF, T_NUM, T_STR, T_IDENT, T_OP, T_ERROR } tok_type;

typedef struct {
    tok_type type;
    size_t start, end; /* offsets in the expression text */
    char op[3];        /* T_OP: "(", "==", ... */
    jd_value *value;   /* T_NUM, T_STR */
} token;

typedef struct {
    const char *s;
    size_t len, i;
    const tpl_origin *origin;
    GStringChunk *names;
    tpl_errors *errs;
    token tok; /* current token */
    bool failed;
    int depth;
} parser;

static size_t raw_at(const tpl_origin *o, size_t i)
{
    return o->map ? o->map[i] : i;
}

static void fail_at(parser *p, size_t start, size_t end, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void fail_at(parser *p, size_t start, size_t end, const char *fmt, ...)
{
    if (p->failed) return;
    p->failed = true;
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(p->errs, p->origin->src, raw_at(p->origin, start), raw_at(p->origin, end), fmt, ap);
    va_end(ap);
}

static bool is_ident_start(unsigned char c)
{
    return g_ascii_isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || g_ascii_isdigit(c);
}

bool tpl_is_identifier(const char *s)
{
    if (!is_ident_start((unsigned char)*s)) return false;
    for (const char *p = s + 1; *p; p++)
        if (!is_ident_char((unsigned char)*p)) return false;
    return true;
}

static bool lex_string(parser *p, token *t)
{
    char quote = p->s[p->i++];
    /* most strings have no escape: their value is their text */
    size_t close = p->i;
    while (close < p->len && p->s[close] != quote && p->s[close] != '\\')
        close++;
    if (close < p->len && p->s[close] == quote) {
        t->type = T_STR;
        t->value = jd_value_new_string_len(p->s + p->i, close - p->i);
        p->i = close + 1;
        return true;
    }
    GString *out = g_string_new(NULL);
    while (p->i < p->len && p->s[p->i] != quote) {
        char c = p->s[p->i];
        if (c == '\\' && p->i + 1 < p->len) {
            char e = p->s[p->i + 1];
            const char *replacement = e == 'n'    ? "\n"
                                      : e == 't'  ? "\t"
                                      : e == '\\' ? "\\"
                                      : e == '\'' ? "'"
                                      : e == '"'  ? "\""
                                                  : NULL;
            if (!replacement) {
                fail_at(p, p->i, p->i + 2,
                        "malformed expression: unknown escape '\\%c' in a string", e);
                g_string_free(out, TRUE);
                return false;
            }
            g_string_append(out, replacement);
            p->i += 2;
            continue;
        }
        g_string_append_c(out, c);
        p->i++;
    }
    if (p->i >= p->len) {
        fail_at(p, t->start, p->len, "malformed expression: unterminated string");
        g_string_free(out, TRUE);
        return false;
    }
    p->i++;
    t->type = T_STR;
    t->value = jd_value_new_string_len(out->str, out->len);
    g_string_free(out, TRUE);
    return true;
}

static bool lex_number(parser *p, token *t)
{
    size_t s = p->i;
    while (p->i < p->len && g_ascii_isdigit(p->s[p->i]))
        p->i++;
    bool is_double = false;
    if (p->i + 1 < p->len && p->s[p->i] == '.' && g_ascii_isdigit(p->s[p->i + 1])) {
        is_double = true;
        p->i++;
        while (p->i < p->len && g_ascii_isdigit(p->s[p->i]))
            p->i++;
    }
    char *text = g_strndup(p->s + s, p->i - s);
    t->type = T_NUM;
    if (is_double) {
        t->value = jd_value_new_double(g_ascii_strtod(text, NULL));
    } else {
        guint64 n = 0;
        if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT64, &n, NULL)) {
            fail_at(p, s, p->i, "malformed expression: number '%s' is too large", text);
            g_free(text);
            return false;
        }
        t->value = jd_value_new_int((int64_t)n);
    }
    g_free(text);
    return true;
}

/* Reads the next token into p->tok (releasing the previous one's value). */
static void next(parser *p)
{
    jd_value_unref(p->tok.value);
    token t = {0};
    while (p->i < p->len && g_ascii_isspace(p->s[p->i]))
        p->i++;
    t.start = p->i;
    if (p->failed) {
        t.type = T_ERROR;
    } else if (p->i >= p->len) {
        t.type = T_EOF;
    } else {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"' || c == '\'') {
            if (!lex_string(p, &t)) t.type = T_ERROR;
        } else if (g_ascii_isdigit(c)) {
            if (!lex_number(p, &t)) t.type = T_ERROR;
        } else if (is_ident_start(c)) {
            while (p->i < p->len && is_ident_char((unsigned char)p->s[p->i]))
                p->i++;
            t.type = T_IDENT;
        } else {
            t.type = T_OP;
            /* the two-character operators: ==, !=, <=, >= */
            if (p->i + 1 < p->len && p->s[p->i + 1] == '=' &&
                (c == '=' || c == '!' || c == '<' || c == '>')) {
                t.op[0] = (char)c;
                t.op[1] = '=';
            }
            if (t.op[0]) {
                p->i += 2;
            } else if (c && strchr("+-*/%<>()[].,|", c)) {
                t.op[0] = (char)c;
                p->i++;
            } else if (c == '=') {
                fail_at(p, p->i, p->i + 1,
                        "malformed expression: '=' is not an operator (use '==')");
                t.type = T_ERROR;
            } else {
                size_t n = (size_t)(g_utf8_next_char(p->s + p->i) - (p->s + p->i));
                n = MIN(n, p->len - p->i);
                fail_at(p, p->i, p->i + n, "malformed expression: unexpected character '%.*s'",
                        (int)n, p->s + p->i);
                t.type = T_ERROR;
            }
        }
    }
    t.end = p->i;
    p->tok = t;
}

static bool tok_is_op(const parser *p, const char *op)
{
    return p->tok.type == T_OP && strcmp(p->tok.op, op) == 0;
}

static bool tok_is_word(const parser *p, const char *word)
{
    size_t n = strlen(word);
    return p->tok.type == T_IDENT && p->tok.end - p->tok.start == n &&
           strncmp(p->s + p->tok.start, word, n) == 0;
}

static bool tok_is_keyword(const parser *p)
{
    static const char *const keywords[] = {"and", "or", "not", "in", "true", "false", "null"};
    for (size_t k = 0; k < G_N_ELEMENTS(keywords); k++)
        if (tok_is_word(p, keywords[k])) return true;
    return false;
}

/* "unexpected 'x'" for the current token, or "missing value at the end". */
static void fail_unexpected(parser *p)
{
    if (p->tok.type == T_EOF)
        fail_at(p, p->len, p->len, "malformed expression: missing value at the end");
    else
        fail_at(p, p->tok.start, p->tok.end, "malformed expression: unexpected '%.*s'",
                (int)(p->tok.end - p->tok.start), p->s + p->tok.start);
}

/* ---- parser ------------------------------------------------------------------------ */

static void node_free(enode *n)
{
    if (!n) return;
    jd_value_unref(n->literal);
    node_free(n->a);
    node_free(n->b);
    for (int i = 0; i < n->nargs; i++)
        node_free(n->args[i]);
    g_free(n->args);
    g_free(n);
}

/* The interned copy of a name in the expression's text. */
static const char *intern(parser *p, size_t start, size_t end)
{
    char buf[64];
    size_t n = end - start;
    if (n >= sizeof buf) {
        char *name = g_strndup(p->s + start, n);
        const char *interned = g_string_chunk_insert_const(p->names, name);
        g_free(name);
        return interned;
    }
    memcpy(buf, p->s + start, n); /* most names are short: no copy on the heap */
    buf[n] = '\0';
    return g_string_chunk_insert_const(p->names, buf);
}

static enode *node_new(parser *p, node_kind kind, size_t start, size_t end)
{
    enode *n = g_new0(enode, 1);
    n->kind = kind;
    n->start = n->mark = raw_at(p->origin, start);
    n->end = raw_at(p->origin, end);
    n->height = 1;
    return n;
}

static int height_of(const enode *n)
{
    return n ? n->height : 0;
}

/* `n` with its height set from its operands now that they are attached; NULL (and `n`
 * freed) after an error when the tree grows past MAX_HEIGHT. */
static enode *grown(parser *p, enode *n)
{
    if (!n) return NULL;
    int h = MAX(height_of(n->a), height_of(n->b));
    for (int i = 0; i < n->nargs; i++)
        h = MAX(h, height_of(n->args[i]));
    n->height = h + 1;
    if (n->height <= MAX_HEIGHT) return n;
    if (!p->failed) {
        p->failed = true;
        tpl_error(p->errs, p->origin->src, n->mark, n->end,
                  "malformed expression: more than %d operators, filters or members in a chain "
                  "(split it with <set>)",
                  MAX_HEIGHT);
    }
    node_free(n);
    return NULL;
}

/* A node spanning from `first` to `last`. */
static enode *node_join(enode *n, const enode *first, const enode *last)
{
    n->start = n->mark = first->start;
    n->end = last->end;
    return n;
}

/* A postfix node (member, index, filter) on `operand`: it spans the operand too, and its
 * own part starts at expression offset `own`. */
static enode *node_postfix(parser *p, node_kind kind, enode *operand, size_t own, size_t end)
{
    enode *n = node_new(p, kind, own, end);
    n->a = operand;
    n->start = operand->start;
    return n;
}

static enode *parse_or(parser *p);

static enode *parse_args(parser *p, enode *n, const char *close)
{
    GPtrArray *args = g_ptr_array_new();
    if (!tok_is_op(p, close)) {
        for (;;) {
            enode *arg = parse_or(p);
            if (!arg) break;
            g_ptr_array_add(args, arg);
            if (!tok_is_op(p, ",")) break;
            next(p);
        }
    }
    n->nargs = (int)args->len;
    n->args = (enode **)g_ptr_array_free(args, FALSE);
    if (p->failed) return NULL;
    if (!tok_is_op(p, close)) {
        fail_at(p, p->tok.start, p->tok.end > p->tok.start ? p->tok.end : p->tok.start,
                "malformed expression: expected '%s'", close);
        return NULL;
    }
    return n;
}

static enode *parse_primary(parser *p)
{
    token t = p->tok;
    if (t.type == T_NUM || t.type == T_STR) {
        enode *n = node_new(p, N_LITERAL, t.start, t.end);
        n->literal = jd_value_ref(t.value);
        next(p);
        return n;
    }
    if (t.type == T_IDENT) {
        enode *n = NULL;
        if (tok_is_word(p, "true") || tok_is_word(p, "false")) {
            n = node_new(p, N_LITERAL, t.start, t.end);
            n->literal = jd_value_new_bool(tok_is_word(p, "true"));
        } else if (tok_is_word(p, "null")) {
            n = node_new(p, N_LITERAL, t.start, t.end);
            n->literal = jd_value_new_null();
        } else if (tok_is_keyword(p)) {
            fail_unexpected(p);
            return NULL;
        } else {
            n = node_new(p, N_VAR, t.start, t.end);
            n->name = intern(p, t.start, t.end);
        }
        next(p);
        return n;
    }
    if (tok_is_op(p, "(")) {
        next(p);
        enode *inner = parse_or(p);
        if (!inner) return NULL;
        if (!tok_is_op(p, ")")) {
            node_free(inner);
            fail_at(p, p->tok.start, p->tok.end, "malformed expression: expected ')'");
            return NULL;
        }
        next(p);
        return inner;
    }
    if (tok_is_op(p, "[")) {
        enode *n = node_new(p, N_LIST, t.start, t.end);
        next(p);
        if (!parse_args(p, n, "]")) {
            node_free(n);
            return NULL;
        }
        n->end = raw_at(p->origin, p->tok.end);
        next(p);
        return grown(p, n);
    }
    fail_unexpected(p);
    return NULL;
}

static const char *arguments(int n)
{
    return n == 1 ? "argument" : "arguments";
}

static enode *parse_filter(parser *p, enode *input)
{
    next(p); /* '|' */
    if (p->tok.type != T_IDENT) {
        fail_at(p, p->tok.start, p->tok.end,
                "malformed expression: expected a filter name after '|'");
        node_free(input);
        return NULL;
    }
    size_t name_start = p->tok.start, name_end = p->tok.end;
    enode *n = node_postfix(p, N_FILTER, input, name_start, name_end);
    n->filter = tpl_filter_find(p->s + name_start, name_end - name_start);
    /* `default` is how a template says "this may be missing" */
    n->lenient = n->filter && strcmp(n->filter->name, "default") == 0;
    next(p);
    size_t args_end = name_end;
    if (tok_is_op(p, "(")) {
        next(p);
        if (!parse_args(p, n, ")")) {
            node_free(n);
            return NULL;
        }
        args_end = p->tok.end;
        n->end = raw_at(p->origin, args_end);
        next(p);
    }
    if (!n->filter) {
        char *near = tpl_filter_closest(p->s + name_start, name_end - name_start);
        fail_at(p, name_start, name_end, "unknown filter '%.*s'%s%s%s", (int)(name_end - name_start),
                p->s + name_start, near ? " — did you mean '" : "", near ? near : "", near ? "'?" : "");
        g_free(near);
        node_free(n);
        return NULL;
    }
    const tpl_filter *f = n->filter;
    if (n->nargs < f->min_args || n->nargs > f->max_args) {
        if (f->max_args == 0)
            fail_at(p, name_start, args_end, "filter '%s' takes no arguments, got %d", f->name,
                    n->nargs);
        else if (n->nargs > f->max_args)
            fail_at(p, name_start, args_end, "filter '%s' takes at most %d %s, got %d", f->name,
                    f->max_args, arguments(f->max_args), n->nargs);
        else
            fail_at(p, name_start, args_end, "filter '%s' needs %s%d %s, got %d", f->name,
                    f->min_args == f->max_args ? "" : "at least ", f->min_args,
                    arguments(f->min_args), n->nargs);
        node_free(n);
        return NULL;
    }
    return grown(p, n);
}

/* Member access, indexing and (unless `filters` is false) filters after `n`. */
static enode *parse_postfix_rest(parser *p, enode *n, bool filters)
{
    while (n) {
        if (tok_is_op(p, ".")) {
            size_t dot = p->tok.start;
            next(p);
            if (p->tok.type != T_IDENT) {
                fail_at(p, p->tok.start, p->tok.end,
                        "malformed expression: expected a member name after '.'");
                node_free(n);
                return NULL;
            }
            n = node_postfix(p, N_MEMBER, n, dot, p->tok.end);
            n->name = intern(p, p->tok.start, p->tok.end);
            next(p);
            n = grown(p, n);
        } else if (tok_is_op(p, "[")) {
            size_t open = p->tok.start;
            next(p);
            enode *index = parse_or(p);
            if (!index) {
                node_free(n);
                return NULL;
            }
            if (!tok_is_op(p, "]")) {
                fail_at(p, p->tok.start, p->tok.end, "malformed expression: expected ']'");
                node_free(index);
                node_free(n);
                return NULL;
            }
            n = node_postfix(p, N_INDEX, n, open, p->tok.end);
            n->b = index;
            next(p);
            n = grown(p, n);
        } else if (filters && tok_is_op(p, "|")) {
            n = parse_filter(p, n);
        } else {
            break;
        }
    }
    return n;
}

typedef enode *(*parse_fn)(parser *p);

/* A prefix operator (the current token) applied to what `operand` parses after it. */
static enode *parse_prefix(parser *p, node_kind kind, parse_fn operand_fn)
{
    size_t start = p->tok.start;
    if (++p->depth > MAX_DEPTH) {
        fail_at(p, start, p->tok.end, "malformed expression: nested too deeply");
        return NULL;
    }
    next(p);
    enode *operand = operand_fn(p);
    p->depth--;
    if (!operand) return NULL;
    enode *n = node_new(p, kind, start, start);
    n->a = operand;
    n->end = operand->end;
    return grown(p, n);
}

/* A negation binds tighter than filters, as in Jinja: `-1 | f` applies f to -1. */
static enode *parse_negation(parser *p)
{
    if (!tok_is_op(p, "-")) return parse_postfix_rest(p, parse_primary(p), false);
    return parse_prefix(p, N_NEG, parse_negation);
}

static enode *parse_unary(parser *p)
{
    return parse_postfix_rest(p, parse_negation(p), true);
}

/* `left` joined with the operand parsed next into a `kind` node; NULL (and `left` freed)
 * when that operand does not parse. */
static enode *join_operand(parser *p, node_kind kind, binop op, enode *left, parse_fn operand)
{
    enode *right = operand(p);
    if (!right) {
        node_free(left);
        return NULL;
    }
    enode *n = g_new0(enode, 1);
    n->kind = kind;
    n->op = op;
    n->a = left;
    n->b = right;
    return grown(p, node_join(n, left, right));
}

/* Left-associative binary levels. */
static enode *parse_binary_level(parser *p, parse_fn operand, const char *const *ops,
                                 const binop *codes, size_t n_ops)
{
    enode *left = operand(p);
    while (left) {
        size_t k = 0;
        while (k < n_ops && !tok_is_op(p, ops[k]))
            k++;
        if (k == n_ops) break;
        next(p);
        left = join_operand(p, N_BINARY, codes[k], left, operand);
    }
    return left;
}

static enode *parse_mul(parser *p)
{
    static const char *const ops[] = {"*", "/", "%"};
    static const binop codes[] = {OP_MUL, OP_DIV, OP_MOD};
    return parse_binary_level(p, parse_unary, ops, codes, 3);
}

static enode *parse_add(parser *p)
{
    static const char *const ops[] = {"+", "-"};
    static const binop codes[] = {OP_ADD, OP_SUB};
    return parse_binary_level(p, parse_mul, ops, codes, 2);
}

static enode *parse_cmp(parser *p)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    static const binop codes[] = {OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE};
    enode *left = parse_add(p);
    if (!left) return NULL;
    binop op = OP_EQ;
    bool negate = false, found = false;
    for (size_t k = 0; k < G_N_ELEMENTS(ops) && !found; k++)
        if (tok_is_op(p, ops[k])) op = codes[k], found = true;
    if (!found && tok_is_word(p, "in")) op = OP_IN, found = true;
    if (!found && tok_is_word(p, "not")) {
        /* `a not in b` */
        size_t save_i = p->i;
        token save = p->tok;
        save.value = NULL;
        p->tok.value = NULL;
        next(p);
        if (tok_is_word(p, "in")) {
            op = OP_IN, found = negate = true;
        } else {
            jd_value_unref(p->tok.value);
            p->i = save_i;
            p->tok = save;
        }
    }
    if (!found) return left;
    next(p);
    enode *n = join_operand(p, N_BINARY, op, left, parse_add);
    if (!n || !negate) return n;
    enode *not = g_new0(enode, 1);
    not ->kind = N_NOT;
    not ->a = n;
    return grown(p, node_join(not, n, n));
}

static enode *parse_not(parser *p)
{
    if (!tok_is_word(p, "not")) return parse_cmp(p);
    return parse_prefix(p, N_NOT, parse_not);
}

static enode *parse_logic(parser *p, const char *word, node_kind kind, parse_fn operand)
{
    enode *left = operand(p);
    while (left && tok_is_word(p, word)) {
        next(p);
        left = join_operand(p, kind, OP_EQ, left, operand); /* the op is unused for and/or */
    }
    return left;
}

static enode *parse_and(parser *p)
{
    return parse_logic(p, "and", N_AND, parse_not);
}

static enode *parse_or(parser *p)
{
    if (++p->depth > MAX_DEPTH) {
        fail_at(p, p->tok.start, p->tok.end, "malformed expression: nested too deeply");
        return NULL;
    }
    enode *n = parse_logic(p, "or", N_OR, parse_and);
    p->depth--;
    return n;
}

static void parser_init(parser *p, const char *text, size_t len, const tpl_origin *origin,
                        GStringChunk *names, tpl_errors *errs)
{
    memset(p, 0, sizeof *p);
    p->s = text;
    p->len = len;
    p->origin = origin;
    p->names = names;
    p->errs = errs;
    next(p);
}

/* Parses from the current token to the end of the text. */
static tpl_expr *parse_rest(parser *p)
{
    enode *root = NULL;
    if (p->tok.type == T_EOF)
        fail_at(p, 0, p->len, "malformed expression: empty expression");
    else
        root = parse_or(p);
    if (root && p->tok.type != T_EOF) {
        fail_unexpected(p);
        node_free(root);
        root = NULL;
    }
    jd_value_unref(p->tok.value);
    p->tok.value = NULL;
    if (!root) return NULL;
    tpl_expr *e = g_new0(tpl_expr, 1);
    e->root = root;
    e->src = p->origin->src;
    return e;
}

/* Text from a template is valid UTF-8 already; anything else is refused here too, so that
 * string literals, and every message quoting them, are text. */
static bool check_utf8(const char *text, size_t len, const tpl_origin *origin, tpl_errors *errs)
{
    const char *bad = NULL;
    if (g_utf8_validate(text, (gssize)len, &bad)) return true;
    size_t at = raw_at(origin, (size_t)(bad - text));
    tpl_error(errs, origin->src, at, at, "malformed expression: not UTF-8 text");
    return false;
}

tpl_expr *tpl_expr_parse(const char *text, size_t len, const tpl_origin *origin,
                         GStringChunk *names, tpl_errors *errs)
{
    if (!check_utf8(text, len, origin, errs)) return NULL;
    parser p;
    parser_init(&p, text, len, origin, names, errs);
    return parse_rest(&p);
}

tpl_expr *tpl_expr_parse_each(const char *text, size_t len, const tpl_origin *origin,
                              GStringChunk *names, tpl_errors *errs, const char **var_name)
{
    if (!check_utf8(text, len, origin, errs)) return NULL;
    parser p;
    parser_init(&p, text, len, origin, names, errs);
    if (p.tok.type != T_IDENT || tok_is_keyword(&p)) {
        fail_at(&p, p.tok.start, p.tok.end,
                "malformed expression: expected 'NAME in LIST' (a name for each element first)");
        jd_value_unref(p.tok.value);
        return NULL;
    }
    char *name = g_strndup(text + p.tok.start, p.tok.end - p.tok.start);
    *var_name = g_string_chunk_insert_const(names, name);
    g_free(name);
    next(&p);
    if (!tok_is_word(&p, "in")) {
        fail_at(&p, p.tok.start, p.tok.end, "malformed expression: expected 'in' after '%s'",
                *var_name);
        jd_value_unref(p.tok.value);
        return NULL;
    }
    next(&p);
    return parse_rest(&p);
}

void tpl_expr_free(tpl_expr *e)
{
    if (!e) return;
    node_free(e->root);
    g_free(e);
}

const char *tpl_expr_bare_variable(const tpl_expr *e)
{
    return e && e->root->kind == N_VAR ? e->root->name : NULL;
}

static const enode *find_variable(const enode *n, const char *name)
{
    if (!n) return NULL;
    if (n->kind == N_VAR && n->name == name) return n;
    const enode *found = find_variable(n->a, name);
    if (!found) found = find_variable(n->b, name);
    for (int i = 0; !found && i < n->nargs; i++)
        found = find_variable(n->args[i], name);
    return found;
}

static void collect_variables(const enode *n, GHashTable *names)
{
    if (!n) return;
    if (n->kind == N_VAR) g_hash_table_add(names, (gpointer)n->name);
    collect_variables(n->a, names);
    collect_variables(n->b, names);
    for (int i = 0; i < n->nargs; i++)
        collect_variables(n->args[i], names);
}

void tpl_expr_collect_variables(const tpl_expr *e, GHashTable *names)
{
    if (e) collect_variables(e->root, names);
}

bool tpl_expr_find_variable(const tpl_expr *e, const char *name, size_t *start, size_t *end)
{
    const enode *n = find_variable(e->root, name);
    if (n) {
        *start = n->start;
        *end = n->end;
    }
    return n != NULL;
}

void tpl_expr_span(const tpl_expr *e, size_t *start, size_t *end)
{
    *start = e->root->start;
    *end = e->root->end;
}

const tpl_source *tpl_expr_source(const tpl_expr *e)
{
    return e->src;
}

/* ---- evaluation -------------------------------------------------------------------- */

typedef struct {
    tpl_eval *ev;
    const tpl_source *src;
} eval_ctx;

static void eval_error(eval_ctx *cx, const enode *n, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void eval_error(eval_ctx *cx, const enode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tpl_errorv(cx->ev->errs, cx->src, n->mark, n->end, fmt, ap);
    va_end(ap);
}

/* The source text of a sub-expression, for messages ("'t.leaders' has 2 items"). */
static char *source_of(eval_ctx *cx, const enode *n)
{
    size_t end = MIN(n->end, cx->src->len);
    return g_strndup(cx->src->text + n->start, end > n->start ? end - n->start : 0);
}

static bool missing_is_null(const eval_ctx *cx)
{
    return !cx->ev->strict || cx->ev->lenient > 0;
}

void tpl_scope_push(tpl_eval *ev, const char *name, jd_value *value)
{
    tpl_binding b = {name, value};
    g_array_append_val(ev->scope, b);
}

void tpl_scope_pop_to(tpl_eval *ev, guint depth)
{
    while (ev->scope->len > depth) {
        jd_value_unref(g_array_index(ev->scope, tpl_binding, ev->scope->len - 1).value);
        g_array_set_size(ev->scope, ev->scope->len - 1);
    }
}

bool tpl_truthy(const jd_value *v)
{
    switch (jd_value_kind_of(v)) {
    case JD_VALUE_BOOL:
        return jd_value_bool(v);
    case JD_VALUE_INT:
    case JD_VALUE_DOUBLE:
        return jd_value_number(v) != 0;
    case JD_VALUE_STRING:
        return jd_value_string_len(v) > 0;
    case JD_VALUE_ARRAY:
        return jd_array_length(v) > 0;
    case JD_VALUE_OBJECT:
        return jd_object_size(v) > 0;
    default:
        return false;
    }
}

static jd_value *eval(const enode *n, eval_ctx *cx);

static jd_value *eval_var(const enode *n, eval_ctx *cx)
{
    GArray *scope = cx->ev->scope;
    for (guint i = scope->len; i-- > 0;) {
        const tpl_binding *b = &g_array_index(scope, tpl_binding, i);
        if (b->name == n->name) return jd_value_ref(b->value);
    }
    jd_value *v = jd_object_get(cx->ev->globals, n->name);
    if (v) return jd_value_ref(v);
    if (missing_is_null(cx)) return jd_value_new_null();
    /* the closest name in scope: the variables set, then the globals */
    GPtrArray *known = g_ptr_array_new();
    for (guint i = 0; i < scope->len; i++)
        g_ptr_array_add(known, (gpointer)g_array_index(scope, tpl_binding, i).name);
    for (size_t i = 0; i < jd_object_size(cx->ev->globals); i++)
        g_ptr_array_add(known, (gpointer)jd_object_key(cx->ev->globals, i));
    g_ptr_array_add(known, NULL);
    char *near = jd_closest_name(n->name, (const char *const *)known->pdata);
    eval_error(cx, n, "'%s' is not defined%s%s%s", n->name, near ? " — did you mean '" : "", near ? near : "",
               near ? "'?" : "");
    g_free(near);
    g_ptr_array_free(known, TRUE);
    return NULL;
}

/* Member `name` of object `obj` (a new reference); null or an error when it has none. */
static jd_value *member_of(const enode *n, eval_ctx *cx, const jd_value *obj, const char *name)
{
    jd_value *result = jd_object_get(obj, name);
    if (result)
        return jd_value_ref(result);
    if (missing_is_null(cx))
        return jd_value_new_null();
    char *what = source_of(cx, n->a);
    const char **keys = g_new0(const char *, jd_object_size(obj) + 1);
    for (size_t i = 0; i < jd_object_size(obj); i++)
        keys[i] = jd_object_key(obj, i);
    char *near = jd_closest_name(name, keys);
    eval_error(cx, n, "'%s' has no member '%s'%s%s%s", what, name, near ? " — did you mean '" : "",
               near ? near : "", near ? "'?" : "");
    g_free(near);
    g_free(keys);
    g_free(what);
    return NULL;
}

static jd_value *eval_member(const enode *n, eval_ctx *cx)
{
    jd_value *obj = eval(n->a, cx);
    if (!obj) return NULL;
    jd_value *result = NULL;
    if (jd_value_kind_of(obj) == JD_VALUE_OBJECT) {
        result = member_of(n, cx, obj, n->name);
    } else if (jd_value_is_null(obj) && missing_is_null(cx)) {
        result = jd_value_new_null();
    } else {
        char *what = source_of(cx, n->a);
        eval_error(cx, n, "cannot take member '%s' of '%s' (%s)", n->name, what,
                   tpl_kind_phrase(jd_value_kind_of(obj)));
        g_free(what);
    }
    jd_value_unref(obj);
    return result;
}

/* Both operands of `n`, or false (and nothing held) when either fails. */
static bool eval_operands(const enode *n, eval_ctx *cx, jd_value **a, jd_value **b)
{
    *a = eval(n->a, cx);
    if (!*a) return false;
    *b = eval(n->b, cx);
    if (!*b) {
        jd_value_unref(*a);
        return false;
    }
    return true;
}

static jd_value *eval_index(const enode *n, eval_ctx *cx)
{
    jd_value *obj, *index;
    if (!eval_operands(n, cx, &obj, &index)) return NULL;
    jd_value *result = NULL;
    jd_value_kind kind = jd_value_kind_of(obj);
    if (kind == JD_VALUE_ARRAY && jd_value_kind_of(index) == JD_VALUE_INT) {
        int64_t i = jd_value_int(index), len = (int64_t)jd_array_length(obj);
        int64_t at = i < 0 ? len + i : i; /* negative indices count from the end */
        if (at >= 0 && at < len) {
            result = jd_value_ref(jd_array_get(obj, (size_t)at));
        } else if (missing_is_null(cx)) {
            result = jd_value_new_null();
        } else {
            char *what = source_of(cx, n->a);
            eval_error(cx, n,
                       "index %" G_GINT64_FORMAT " is out of range: '%s' has %" G_GINT64_FORMAT
                       " %s",
                       i, what, len, len == 1 ? "item" : "items");
            g_free(what);
        }
    } else if (kind == JD_VALUE_OBJECT && jd_value_kind_of(index) == JD_VALUE_STRING) {
        result = member_of(n, cx, obj, jd_value_string(index));
    } else if (jd_value_is_null(obj) && missing_is_null(cx)) {
        result = jd_value_new_null();
    } else if (kind == JD_VALUE_ARRAY || kind == JD_VALUE_OBJECT) {
        eval_error(cx, n->b, "%s index must be %s, got %s",
                   kind == JD_VALUE_ARRAY ? "a list" : "an object",
                   kind == JD_VALUE_ARRAY ? "a whole number" : "a string",
                   tpl_kind_phrase(jd_value_kind_of(index)));
    } else {
        char *what = source_of(cx, n->a);
        eval_error(cx, n, "cannot index '%s' (%s)", what, tpl_kind_phrase(kind));
        g_free(what);
    }
    jd_value_unref(obj);
    jd_value_unref(index);
    return result;
}

static jd_value *eval_filter(const enode *n, eval_ctx *cx)
{
    cx->ev->lenient += n->lenient;
    jd_value *input = eval(n->a, cx);
    cx->ev->lenient -= n->lenient;
    if (!input) return NULL;
    jd_value *args[8] = {NULL};
    int nargs = MIN(n->nargs, (int)G_N_ELEMENTS(args));
    bool ok = true;
    for (int i = 0; i < nargs && ok; i++)
        ok = (args[i] = eval(n->args[i], cx)) != NULL;
    jd_value *result = NULL;
    if (ok) {
        tpl_filter_call call = {cx->ev, cx->src, n->mark, n->end, n->filter->name};
        result = n->filter->fn(&call, input, args, nargs);
    }
    for (int i = 0; i < nargs; i++)
        jd_value_unref(args[i]);
    jd_value_unref(input);
    return result;
}

static jd_value *number_value(double d)
{
    if (d == floor(d) && fabs(d) < 9.0e15) return jd_value_new_int((int64_t)d);
    return jd_value_new_double(d);
}

static jd_value *arithmetic(const enode *n, eval_ctx *cx, const jd_value *a, const jd_value *b)
{
    bool ints = jd_value_kind_of(a) == JD_VALUE_INT && jd_value_kind_of(b) == JD_VALUE_INT;
    int64_t x = ints ? jd_value_int(a) : 0, y = ints ? jd_value_int(b) : 0, r = 0;
    double dx = jd_value_number(a), dy = jd_value_number(b);
    switch (n->op) {
    case OP_ADD:
        if (ints && !__builtin_add_overflow(x, y, &r)) return jd_value_new_int(r);
        return jd_value_new_double(dx + dy);
    case OP_SUB:
        if (ints && !__builtin_sub_overflow(x, y, &r)) return jd_value_new_int(r);
        return jd_value_new_double(dx - dy);
    case OP_MUL:
        if (ints && !__builtin_mul_overflow(x, y, &r)) return jd_value_new_int(r);
        return jd_value_new_double(dx * dy);
    case OP_DIV:
        if (dy == 0) {
            eval_error(cx, n, "division by zero");
            return NULL;
        }
        if (ints && y != -1 && x % y == 0) return jd_value_new_int(x / y);
        return ints ? number_value(dx / dy) : jd_value_new_double(dx / dy);
    default: /* OP_MOD */
        if (dy == 0) {
            eval_error(cx, n, "division by zero");
            return NULL;
        }
        if (ints) return jd_value_new_int(y == -1 ? 0 : x % y);
        return jd_value_new_double(fmod(dx, dy));
    }
}

static jd_value *compare(const enode *n, eval_ctx *cx, const jd_value *a, const jd_value *b)
{
    if (n->op == OP_EQ || n->op == OP_NE)
        return jd_value_new_bool(jd_value_equal(a, b) == (n->op == OP_EQ));
    bool numbers = jd_value_is_number(a) && jd_value_is_number(b);
    bool strings = jd_value_kind_of(a) == JD_VALUE_STRING && jd_value_kind_of(b) == JD_VALUE_STRING;
    if (!numbers && !strings) {
        eval_error(cx, n, "'%s' cannot compare %s with %s", op_names[n->op],
                   tpl_kind_phrase(jd_value_kind_of(a)), tpl_kind_phrase(jd_value_kind_of(b)));
        return NULL;
    }
    int c = tpl_value_compare(a, b);
    bool r = n->op == OP_LT ? c < 0 : n->op == OP_LE ? c <= 0 : n->op == OP_GT ? c > 0 : c >= 0;
    return jd_value_new_bool(r);
}

static jd_value *contains(const enode *n, eval_ctx *cx, const jd_value *a, const jd_value *b)
{
    switch (jd_value_kind_of(b)) {
    case JD_VALUE_ARRAY:
        return jd_value_new_bool(tpl_list_has(b, a));
    case JD_VALUE_STRING:
        if (jd_value_kind_of(a) == JD_VALUE_STRING)
            return jd_value_new_bool(strstr(jd_value_string(b), jd_value_string(a)) != NULL);
        break;
    case JD_VALUE_OBJECT:
        if (jd_value_kind_of(a) == JD_VALUE_STRING)
            return jd_value_new_bool(jd_object_get(b, jd_value_string(a)) != NULL);
        break;
    case JD_VALUE_NULL:
        return jd_value_new_bool(false);
    default:
        break;
    }
    eval_error(cx, n, "'in' cannot look for %s in %s", tpl_kind_phrase(jd_value_kind_of(a)),
               tpl_kind_phrase(jd_value_kind_of(b)));
    return NULL;
}

static jd_value *eval_binary(const enode *n, eval_ctx *cx)
{
    jd_value *a, *b;
    if (!eval_operands(n, cx, &a, &b)) return NULL;
    jd_value *result = NULL;
    if (n->op == OP_IN) {
        result = contains(n, cx, a, b);
    } else if (n->op >= OP_EQ) {
        result = compare(n, cx, a, b);
    } else if (jd_value_is_number(a) && jd_value_is_number(b)) {
        result = arithmetic(n, cx, a, b);
    } else if (n->op == OP_ADD &&
               (jd_value_kind_of(a) == JD_VALUE_STRING || jd_value_kind_of(b) == JD_VALUE_STRING) &&
               (jd_value_kind_of(a) <= JD_VALUE_STRING && jd_value_kind_of(b) <= JD_VALUE_STRING)) {
        /* + joins text: "第" + n + "项" */
        char *x = jd_value_to_text(a), *y = jd_value_to_text(b);
        if (strlen(x) + strlen(y) > TPL_MAX_TEXT)
            eval_error(cx, n, "'+' would make a text longer than %zu MiB", TPL_MAX_TEXT >> 20);
        else
            result = jd_value_new_string_take(g_strconcat(x, y, NULL));
        g_free(x);
        g_free(y);
    } else {
        eval_error(cx, n, "'%s' needs numbers, got %s and %s", op_names[n->op],
                   tpl_kind_phrase(jd_value_kind_of(a)), tpl_kind_phrase(jd_value_kind_of(b)));
    }
    jd_value_unref(a);
    jd_value_unref(b);
    return result;
}

static jd_value *eval(const enode *n, eval_ctx *cx)
{
    switch (n->kind) {
    case N_LITERAL:
        return jd_value_ref(n->literal);
    case N_LIST: {
        jd_value *list = jd_value_new_array();
        for (int i = 0; i < n->nargs; i++) {
            jd_value *item = eval(n->args[i], cx);
            if (!item) {
                jd_value_unref(list);
                return NULL;
            }
            jd_array_append(list, item);
        }
        return list;
    }
    case N_VAR:
        return eval_var(n, cx);
    case N_MEMBER:
        return eval_member(n, cx);
    case N_INDEX:
        return eval_index(n, cx);
    case N_FILTER:
        return eval_filter(n, cx);
    case N_NEG: {
        jd_value *v = eval(n->a, cx);
        if (!v) return NULL;
        jd_value *r = NULL;
        if (jd_value_kind_of(v) == JD_VALUE_INT && jd_value_int(v) != INT64_MIN)
            r = jd_value_new_int(-jd_value_int(v));
        else if (jd_value_is_number(v))
            r = jd_value_new_double(-jd_value_number(v));
        else
            eval_error(cx, n, "'-' needs a number, got %s", tpl_kind_phrase(jd_value_kind_of(v)));
        jd_value_unref(v);
        return r;
    }
    case N_NOT: {
        jd_value *v = eval(n->a, cx);
        if (!v) return NULL;
        bool t = tpl_truthy(v);
        jd_value_unref(v);
        return jd_value_new_bool(!t);
    }
    case N_AND:
    case N_OR: {
        jd_value *a = eval(n->a, cx);
        if (!a) return NULL;
        bool t = tpl_truthy(a);
        jd_value_unref(a);
        if (t == (n->kind == N_OR)) return jd_value_new_bool(t);
        jd_value *b = eval(n->b, cx);
        if (!b) return NULL;
        t = tpl_truthy(b);
        jd_value_unref(b);
        return jd_value_new_bool(t);
    }
    case N_BINARY:
        return eval_binary(n, cx);
    }
    return NULL;
}

jd_value *tpl_expr_eval(const tpl_expr *e, tpl_eval *ev)
{
    eval_ctx cx = {ev, e->src};
    return eval(e->root, &cx);
}

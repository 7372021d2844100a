/* project_private.h — internals of the project module. */
#ifndef JD_PROJECT_PRIVATE_H
#define JD_PROJECT_PRIVATE_H

#include "jd_project.h"

typedef struct {
    char *name;           /* from [output NAME] */
    char *template_path;
    char *pattern;        /* file name pattern, relative to the output folder */
    jd_split split;
    char *backend;        /* NULL: the project's */
    char **params;        /* KEY=VALUE overriding [params] */
    char **data;          /* extra data for this output */
} jp_output;

struct jd_project {
    char *dir;
    char *ini_path;
    char *ini_text;
    GKeyFile *ini;
    char **data;     /* resolved paths, or NAME=path */
    char **states;
    char **params;   /* KEY=VALUE from [params] */
    char *out_dir;
    char *backend;
    int jobs;
    GPtrArray *outputs; /* jp_output* */
    char **watch;
};

/* Line of [group] (key NULL) or of key= inside it, in the ini text; 0 if not found. */
int jp_ini_line(const char *text, const char *group, const char *key);

/* Whether `arg` is a parameter: KEY=VALUE with KEY made of letters, digits and _. */
bool jp_param_ok(const char *arg);

#endif

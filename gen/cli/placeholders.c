/* Commands whose modules are still being built. */
#include <stdio.h>

#include "cli.h"

static int not_yet(const char *name)
{
    fprintf(stderr, "jindu %s: not available in this build yet\n", name);
    return JD_EXIT_USAGE;
}

int jd_cmd_import(int argc, char **argv) { return not_yet("import"); }
int jd_cmd_check(int argc, char **argv) { return not_yet("check"); }
int jd_cmd_expand(int argc, char **argv) { return not_yet("expand"); }
int jd_cmd_render(int argc, char **argv) { return not_yet("render"); }
int jd_cmd_layout(int argc, char **argv) { return not_yet("layout"); }
int jd_cmd_fonts(int argc, char **argv) { return not_yet("fonts"); }

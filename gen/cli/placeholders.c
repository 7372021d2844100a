/* Commands whose modules are still being built. */
#include <stdio.h>

#include "cli.h"

static int not_yet(const char *name)
{
    fprintf(stderr, "jindu %s: not available in this build yet\n", name);
    return JD_EXIT_USAGE;
}

int jd_cmd_expand(int argc, char **argv) { return not_yet("expand"); }

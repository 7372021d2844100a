/* `jindu serve`: the project as a local web page (gen/serve). */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "cli.h"
#include "jd_serve.h"

static const char *const serve_help =
    "Opens the project in DIR (default: the current folder) as a web page on this computer:\n"
    "the period's overview (every unit's state, the counts, the leaders), returned forms\n"
    "dropped in and checked at once (errors shown at their cells; a valid form is saved into\n"
    "the progress folder, the unit's previous form kept), a build with its progress, and the\n"
    "documents (previews, PDF and .zip downloads, blank forms for the next period).\n"
    "\n"
    "The address printed holds a token made for this run: only who has it can use the page.\n"
    "The server listens on 127.0.0.1 and ::1 only; --listen ADDR (e.g. 0.0.0.0) lets other\n"
    "computers in, with a warning. docs/serve.md describes the page and its security.\n"
    "\n"
    "Stop it with Ctrl-C. Exit status: 0 stopped, 1 the project or the address is bad, 2 usage.";

static gboolean on_signal(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE; /* removed with the other one when the loop has stopped */
}

int jd_cmd_serve(int argc, char **argv)
{
    int port = 0;
    char *listen = NULL;
    gboolean no_open = FALSE;
    GOptionEntry entries[] = {
        {"port", 'p', 0, G_OPTION_ARG_INT, &port, "The port (default: a free one)", "N"},
        {"listen", 0, 0, G_OPTION_ARG_STRING, &listen,
         "Listen on this address instead of the loopback interface (0.0.0.0: every interface)", "ADDR"},
        {"no-open", 0, 0, G_OPTION_ARG_NONE, &no_open, "Do not open the page in a browser", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL}};
    jd_cli_usage usage = {"[DIR]", "Serve the project in DIR as a local web page.", serve_help};
    int rc = JD_EXIT_OK;
    if (!jd_cli_parse(&argc, &argv, entries, &usage, &rc)) {
        g_free(listen);
        return rc;
    }
    const char *problem = argc > 2 ? "one project folder at most" : port < 0 || port > 65535 ? "--port takes 0 to 65535" : NULL;
    if (problem) {
        fprintf(stderr, "%s: %s\nTry '%s --help'.\n", argv[0], problem, argv[0]);
        g_free(listen);
        return JD_EXIT_USAGE;
    }
    jd_serve_options o = {argc == 2 ? argv[1] : ".", listen, port};
    jd_diags *diags = jd_diags_new();
    jd_server *server = jd_server_new(&o, diags);
    rc = jd_cli_report(diags);
    jd_diags_free(diags);
    if (!server) {
        g_free(listen);
        return JD_EXIT_BAD_INPUT;
    }
    if (listen)
        fprintf(stderr, "jindu serve: warning: listening on %s: anyone who can reach this computer and has the "
                        "address with its token can read and change the project\n",
                listen);
    printf("jindu serve: %s at %s\n(Ctrl-C to stop)\n", o.dir, jd_server_url(server));
    fflush(stdout);
    /* a browser only where there is a desktop to show it */
    if (!no_open && (g_getenv("DISPLAY") || g_getenv("WAYLAND_DISPLAY"))) {
        GError *err = NULL;
        if (!g_app_info_launch_default_for_uri(jd_server_url(server), NULL, &err)) {
            fprintf(stderr, "jindu serve: could not open a browser (%s): open the address above\n", err->message);
            g_error_free(err);
        }
    }
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    guint sigint = g_unix_signal_add(SIGINT, on_signal, loop);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, loop);
    g_main_loop_run(loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    g_main_loop_unref(loop);
    jd_server_free(server);
    g_free(listen);
    printf("jindu serve: stopped\n");
    return JD_EXIT_OK;
}

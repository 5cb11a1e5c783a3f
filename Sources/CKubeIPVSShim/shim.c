#include "CKubeIPVSShim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libipset/data.h>
#include <libipset/session.h>

/* The Swift side builds and reads these headers with MemoryLayout of the imported
 * structs; the wire format fixes their sizes. */
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr is 16 bytes on the wire");
_Static_assert(sizeof(struct ifinfomsg) == 16, "ifinfomsg is 16 bytes on the wire");
_Static_assert(sizeof(struct ifaddrmsg) == 8, "ifaddrmsg is 8 bytes on the wire");
_Static_assert(sizeof(struct nlmsgerr) == 20, "nlmsgerr is errno + the echoed header");

int kipvs_shim_version(void) { return 2; }

size_t kipvs_sizeof_nlmsghdr(void) { return sizeof(struct nlmsghdr); }
size_t kipvs_sizeof_ifinfomsg(void) { return sizeof(struct ifinfomsg); }
size_t kipvs_sizeof_ifaddrmsg(void) { return sizeof(struct ifaddrmsg); }

struct kipvs_sink {
    kipvs_text_fn out;
    void *ctx;
};

static int kipvs_vforward(struct kipvs_sink *sink, const char *fmt, va_list ap)
{
    char small[1024];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(again);
        return n;
    }
    if ((size_t)n < sizeof small) {
        sink->out(sink->ctx, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big == NULL) {
            va_end(again);
            return -1;
        }
        vsnprintf(big, (size_t)n + 1, fmt, again);
        sink->out(sink->ctx, big, (size_t)n);
        free(big);
    }
    va_end(again);
    return n;
}

/* ipset_print_outfn: int (*)(struct ipset_session *, void *p, const char *fmt, ...) */
static int kipvs_outfn(struct ipset_session *session, void *p, const char *fmt, ...)
{
    (void)session;
    va_list ap;
    va_start(ap, fmt);
    int n = kipvs_vforward(p, fmt, ap);
    va_end(ap);
    return n;
}

struct ipset_session *kipvs_ipset_session_new(kipvs_text_fn out, void *ctx)
{
    struct kipvs_sink *sink = calloc(1, sizeof *sink);
    if (sink == NULL)
        return NULL;
    sink->out = out;
    sink->ctx = ctx;
    struct ipset_session *session = ipset_session_init(kipvs_outfn, sink);
    if (session == NULL)
        free(sink);
    return session;
}

int kipvs_ipset_session_free(struct ipset_session *session)
{
    void *sink = ipset_session_printf_private(session);
    int rc = ipset_session_fini(session);
    free(sink);
    return rc;
}

int kipvs_ipset_set_type(struct ipset_session *session, const void *type, uint8_t family)
{
    struct ipset_data *data = ipset_session_data(session);
    int rc = ipset_data_set(data, IPSET_OPT_FAMILY, &family);
    if (rc < 0)
        return rc;
    return ipset_data_set(data, IPSET_OPT_TYPE, type);
}

uint8_t kipvs_ipset_data_family(struct ipset_session *session)
{
    return ipset_data_family(ipset_session_data(session));
}

#ifndef KUBE_IPVS_SHIM_H
#define KUBE_IPVS_SHIM_H
/* C helpers for what Swift cannot import: libipset's printf-style (variadic) output
 * callback, and unshare/setns/CLONE_NEWNET (visible only with _GNU_SOURCE).
 * Only forward declarations of library types here, so Swift sees each libipset type
 * once (through CIPSet). */

#include <stddef.h>
#include <stdint.h>

struct ipset_session;

/** Version of this shim (bumped when its ABI changes). */
int kipvs_shim_version(void);

/** The git commit this binary was built from: the string an object linked in by
 *  scripts/build-release.sh defines (`kipvs_build_commit_stamp`), else "unknown". */
const char *_Nonnull kipvs_build_commit(void);

/* --- libipset session ------------------------------------------------------------ */

/** A non-variadic text sink Swift can implement: `text` is already formatted
 *  (NUL-terminated, `len` bytes). */
typedef void (*kipvs_text_fn)(void *_Nullable ctx, const char *_Nonnull text, size_t len);

/** ipset_session_init() with a C trampoline as its variadic `ipset_print_outfn`:
 *  the trampoline vsnprintf()s and forwards the text to `out(ctx, text, len)`.
 *  NULL on allocation failure. Free with kipvs_ipset_session_free. */
struct ipset_session *_Nullable kipvs_ipset_session_new(kipvs_text_fn _Nonnull out,
                                                        void *_Nullable ctx);

/** ipset_session_fini() and the sink allocated by kipvs_ipset_session_new. */
int kipvs_ipset_session_free(struct ipset_session *_Nonnull session);

/** Sets the session data's IPSET_OPT_TYPE and IPSET_OPT_FAMILY (what ipset_type_get
 *  leaves there) so later elements of a batch skip the kernel type lookup. */
int kipvs_ipset_set_type(struct ipset_session *_Nonnull session, const void *_Nonnull type,
                         uint8_t family);

/** The family (NFPROTO_IPV4 2, NFPROTO_IPV6 10, 0 unspec) in the session data. */
uint8_t kipvs_ipset_data_family(struct ipset_session *_Nonnull session);

/* --- network namespaces (affect the calling thread only) ------------------------- */

/** unshare(CLONE_NEWNET): 0 or -errno. */
int kipvs_unshare_netns(void);
/** setns(fd, CLONE_NEWNET): 0 or -errno. */
int kipvs_setns_net(int fd);
/** The kernel thread id (gettid). */
int kipvs_gettid(void);
/** pthread_setname_np on the calling thread (name truncated to 15 bytes): 0 or an errno. */
int kipvs_set_thread_name(const char *_Nonnull name);

/* --- uapi sizes Swift code relies on (asserted in shim.c) ------------------------- */

/** sizeof(struct nlmsghdr), sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg). */
size_t kipvs_sizeof_nlmsghdr(void);
size_t kipvs_sizeof_ifinfomsg(void);
size_t kipvs_sizeof_ifaddrmsg(void);

#endif

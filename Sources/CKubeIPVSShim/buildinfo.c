#include "CKubeIPVSShim.h"

/* Defined only in a release build: scripts/build-release.sh compiles a one-line object with the
 * commit and links it in, so stamping a new commit relinks instead of recompiling every target. */
extern const char kipvs_build_commit_stamp[] __attribute__((weak));

const char *kipvs_build_commit(void) {
    return kipvs_build_commit_stamp ? kipvs_build_commit_stamp : "unknown";
}

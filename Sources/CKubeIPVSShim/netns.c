#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "CKubeIPVSShim.h"

int kipvs_unshare_netns(void) { return unshare(CLONE_NEWNET) == 0 ? 0 : -errno; }
int kipvs_setns_net(int fd) { return setns(fd, CLONE_NEWNET) == 0 ? 0 : -errno; }
int kipvs_gettid(void) { return (int)syscall(SYS_gettid); }

int kipvs_set_thread_name(const char *name)
{
    char short_name[16];
    strncpy(short_name, name, sizeof short_name - 1);
    short_name[sizeof short_name - 1] = '\0';
    return pthread_setname_np(pthread_self(), short_name);
}

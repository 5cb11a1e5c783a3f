#ifndef KUBE_IPVS_SHIM_H
#define KUBE_IPVS_SHIM_H
/* C helpers for what Swift cannot import (filled in by the kernel layer). */
int kipvs_shim_version(void);
#endif

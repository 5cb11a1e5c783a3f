#ifndef KUBE_IPVS_CIPSET_H
#define KUBE_IPVS_CIPSET_H
#include <libipset/ipset.h>
#include <libipset/session.h>
#include <libipset/types.h>
#include <libipset/data.h>
#include <libipset/parse.h>
#include <libipset/print.h>
#include <libipset/linux_ip_set.h>
#endif

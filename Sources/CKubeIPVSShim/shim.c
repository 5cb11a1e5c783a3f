#include "CKubeIPVSShim.h"
int kipvs_shim_version(void) { return 1; }

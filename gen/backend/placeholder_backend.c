/* module under construction */
#include "jd_backend.h"

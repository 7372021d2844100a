/* module under construction */
#include "jd_layout.h"

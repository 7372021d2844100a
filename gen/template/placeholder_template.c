/* module under construction */
#include "jd_template.h"

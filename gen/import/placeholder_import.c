/* module under construction */
#include "jd_import.h"

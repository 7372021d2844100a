/* module under construction */
#include "jd_fonts.h"

#pragma once
// QCustomPlot's header is third-party code: include it through this wrapper so
// our -Werror flags (-Wconversion, -Wshadow, ...) do not apply to it.
#pragma GCC system_header
#include <qcustomplot.h>

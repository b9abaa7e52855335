// Fixture for tests/build/check_stage_graph.cmake: a "content" file with
// includes the stage may have (itself, a declared stage, system headers).
#include <string>

#include "content/model.h"
#include "render/color.h"

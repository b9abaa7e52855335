// Fixture for tests/build/check_stage_graph.cmake: a "content" file with
// includes the stage may have (itself, a declared stage, system headers).
#include "content/model.h"

#include <string>

#include "render/color.h"

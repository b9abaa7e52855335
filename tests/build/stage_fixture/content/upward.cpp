// Fixture for tests/build/check_stage_graph.cmake: "content" reaching up
// into the show stage, which the graph forbids.
#include "content/model.h"
#include "show/player.h"

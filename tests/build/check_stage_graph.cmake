# The stage check (cmake/StageIncludes.cmake) on fixtures: a stage whose
# files include only what it declares passes; one include against the graph
# fails, naming the file, the line and the stage.
#   cmake -DCHECKER=cmake/StageIncludes.cmake -DFIXTURE=tests/build/stage_fixture -DWORK=dir -P check_stage_graph.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/good/content)
file(COPY ${FIXTURE}/content/model.cpp DESTINATION ${WORK}/good/content)

execute_process(COMMAND ${CMAKE_COMMAND} -DSTAGE=content -DALLOWED=platform,render -DDIR=${WORK}/good/content
                        -DSTAMP=${WORK}/good.ok -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK}/good.ok)
  message(FATAL_ERROR "a stage within its graph was refused (rc ${rc}):\n${out}${err}")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -DSTAGE=content -DALLOWED=platform,render -DDIR=${FIXTURE}/content
                        -DSTAMP=${WORK}/bad.ok -P ${CHECKER}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR EXISTS ${WORK}/bad.ok)
  message(FATAL_ERROR "content including show/ passed the stage check")
endif()
if(NOT err MATCHES "content/upward\\.cpp:4: includes show/; stage content may include only: platform;render;content")
  message(FATAL_ERROR "the refusal does not name the file, line and stage:\n${err}")
endif()
if(err MATCHES "model\\.cpp")
  message(FATAL_ERROR "an allowed include was reported:\n${err}")
endif()
message(STATUS "stage graph check: allowed includes pass, content -> show refused with its line")

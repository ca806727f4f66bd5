# Writes the git revision into a generated header at build time (so --version is never stale).
set(EYESIM_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
add_custom_target(eyesim_git_revision
  COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR} -DOUT=${EYESIM_GENERATED_DIR}/eyesim/build_info.h
          -DVERSION=${PROJECT_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/write_build_info.cmake
  BYPRODUCTS ${EYESIM_GENERATED_DIR}/eyesim/build_info.h
  COMMENT "Recording git revision")

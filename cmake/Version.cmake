# The version and the commit the build comes from, for `qmf --version` and summary.json: a header
# in the build directory that src/core/version.cpp includes. The commit is read when CMake
# configures (re-run cmake after new commits to refresh it); outside a git checkout, or without
# git, it is "unknown".
set(QMF_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} rev-parse --short HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE qmf_commit
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET
    RESULT_VARIABLE qmf_commit_status)
  if(qmf_commit_status EQUAL 0 AND NOT qmf_commit STREQUAL "")
    set(QMF_GIT_COMMIT "${qmf_commit}")
  endif()
endif()
set(QMF_VERSION_DIR ${PROJECT_BINARY_DIR}/generated)
configure_file(${PROJECT_SOURCE_DIR}/cmake/qmf_build_info.h.in ${QMF_VERSION_DIR}/qmf_build_info.h
               @ONLY)

# Warnings for the project's own targets; third-party headers come in as SYSTEM.
add_library(qmf_warnings INTERFACE)
target_compile_options(qmf_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  # Designated initialisers leave the other members at their defaults on purpose.
  -Wno-missing-field-initializers)

# Portable by default; QMF_NATIVE tunes every translation unit for the build machine.
# The simulator's AVX2 kernels do not need it: they are compiled separately and chosen at run time.
add_library(qmf_arch INTERFACE)
if(QMF_NATIVE)
  target_compile_options(qmf_arch INTERFACE -march=native)
endif()

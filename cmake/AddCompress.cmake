# add_compress_library(name SOURCES... [DEPENDS ...] [LINK_LIBS ...] [MLIR_LIBS ...])
#
# A static project library that links against libMLIR.so (MLIR_LIBS are named
# for documentation and for builds without the dylib) and that is installed
# into the CompressMLIRTargets export set, so that other MLIR-based compilers
# can `find_package(CompressMLIR)` and link the dialect and passes.
function(add_compress_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS;MLIR_LIBS" ${ARGN})
  add_mlir_library(${name}
    ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LINK_LIBS}
  )
  mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  install(TARGETS ${name}
    EXPORT CompressMLIRTargets
    ARCHIVE DESTINATION lib
    LIBRARY DESTINATION lib)
  set_property(GLOBAL APPEND PROPERTY COMPRESS_LIBS ${name})
  compress_precompile_headers(${name})
endfunction()

# compress_precompile_headers(target): force-include cmake/CompressPCH.h,
# precompiled, into every source of `target` (COMPRESS_PRECOMPILED_HEADERS).
# The first library to ask builds it; the others reuse that one (GCC checks
# that the flags agree, and parses the header as text where they do not).
function(compress_precompile_headers target)
  if(NOT COMPRESS_PRECOMPILED_HEADERS)
    return()
  endif()
  get_property(owner GLOBAL PROPERTY COMPRESS_PCH_OWNER)
  if(owner)
    target_precompile_headers(${target} REUSE_FROM ${owner})
  else()
    target_precompile_headers(${target} PRIVATE
      "${PROJECT_SOURCE_DIR}/cmake/CompressPCH.h")
    set_property(GLOBAL PROPERTY COMPRESS_PCH_OWNER ${target})
  endif()
endfunction()

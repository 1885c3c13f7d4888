# Warnings are per target, never global flags.
function(tokrec_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
      -Wnon-virtual-dtor -Wold-style-cast -Wcast-align)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string
    # operator+ (GCC bug 105329); they point at no tokrec code.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

# -DTOKREC_SANITIZE=ON builds with ASan + UBSan (tests and tools alike).
# -DTOKREC_FUZZ=ON (clang) adds libFuzzer's coverage instrumentation on top,
# so the fuzz targets of tests/fuzz/ see inside the library; UB is fatal there
# so that libFuzzer keeps the input.
function(tokrec_set_sanitizers target)
  if(TOKREC_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  elseif(TOKREC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

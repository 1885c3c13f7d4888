# -DTOKREC_SANITIZE=ON builds with ASan + UBSan (tests and tools alike).
function(tokrec_set_sanitizers target)
  if(TOKREC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=address,undefined)
  endif()
endfunction()

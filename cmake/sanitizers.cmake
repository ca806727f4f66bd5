# Applies EYESIM_SANITIZE (e.g. "address,undefined" or "thread") to every target.
if(EYESIM_SANITIZE)
  add_compile_options(-fsanitize=${EYESIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EYESIM_SANITIZE})
  # g++ 12 reports -Wmaybe-uninitialized inside std::variant/std::optional only when the sanitizers
  # instrument them (a known false positive); the Release build keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
endif()

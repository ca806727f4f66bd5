# Applies EYESIM_SANITIZE (e.g. "address,undefined" or "thread") to every target.
if(EYESIM_SANITIZE)
  add_compile_options(-fsanitize=${EYESIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EYESIM_SANITIZE})
  # g++ 12 reports -Wmaybe-uninitialized inside std::variant/std::optional only when the sanitizers
  # instrument them (a known false positive); the Release build keeps the warning.
  add_compile_options(-Wno-maybe-uninitialized)
  # -O1 -g1, after the build type's -O2 -g so that they win: the sanitizers ask for -O1 or more, and -g1 keeps
  # the line tables their reports print (file:line in every frame). At -O2 -g the ASan+UBSan build took
  # 9 min 26 s on 2 cores, the larger part of CI's time; at -O1 -g1 5 min 34 s, its fast tests 67 s -> 80 s.
  add_compile_options(-O1 -g1)
endif()

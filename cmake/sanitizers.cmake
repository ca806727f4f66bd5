# Applies EYESIM_SANITIZE (e.g. "address,undefined" or "thread") to every target.
if(EYESIM_SANITIZE)
  add_compile_options(-fsanitize=${EYESIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EYESIM_SANITIZE})
endif()

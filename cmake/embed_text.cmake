# eyesim_embed_text(<target> <input file> <C++ symbol>): compiles the text of <input file> into
# <target> as `extern const std::string_view <symbol>;` (declare it where it is used), so the binary
# never depends on the source tree at run time. Regenerated when the input changes.
function(eyesim_embed_text target input symbol)
  get_filename_component(abs_input ${input} ABSOLUTE)
  set(out ${EYESIM_GENERATED_DIR}/embedded/${symbol}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${abs_input} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/write_embedded_text.cmake
    DEPENDS ${abs_input} ${PROJECT_SOURCE_DIR}/cmake/write_embedded_text.cmake
    COMMENT "Embedding ${input}")
  target_sources(${target} PRIVATE ${out})
endfunction()

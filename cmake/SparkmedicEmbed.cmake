# sparkmedic_embed(TARGET NAME FILE) turns a text file into a C++ source holding
# `extern const std::string_view NAME` so SQL schemas, report templates and the default
# pattern catalog ship inside the binary (the analyzer must work air-gapped, with no files
# beside it).
function(sparkmedic_embed target symbol file)
  get_filename_component(abs "${file}" ABSOLUTE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embed_${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${abs} -DOUT=${out} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS "${abs}" ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE "${out}")
endfunction()

# sparkmedic_embed_dir(TARGET SYMBOL GLOB) embeds every file matching GLOB (e.g. the pattern
# catalog) as a table returned by sm::embedded::SYMBOL(); re-globbed when files are added.
function(sparkmedic_embed_dir target symbol pattern)
  file(GLOB files CONFIGURE_DEPENDS ${pattern})
  list(SORT files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embed_dir_${symbol}.cpp")
  string(REPLACE ";" "\\;" files_arg "${files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DFILES=${files_arg}" -DOUT=${out} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    COMMENT "Embedding ${pattern}")
  target_sources(${target} PRIVATE "${out}")
endfunction()

# eyesim_warnings: an interface target every project target links to get the warning set.
add_library(eyesim_warnings INTERFACE)
target_compile_options(eyesim_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
                       -Wimplicit-fallthrough)

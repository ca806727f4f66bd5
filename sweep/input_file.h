// InputFile: a file a command reads (a sweep spec, a network, architecture, mapping or mask file, a part to
// merge), with what it is for messages. A command's output must never replace one (sweep/output_path.h).
#pragma once

#include <string>

namespace eyesim::sweep {

struct InputFile {
  std::string path;
  std::string role;  ///< what it is, for messages: "the sweep spec", "a part", "the weight mask of layer 'CONV3'"
};

}  // namespace eyesim::sweep

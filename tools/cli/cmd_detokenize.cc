// tokrec detokenize: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_detokenize(CLI::App& root) {
  auto* cmd = root.add_subcommand("detokenize", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("detokenize", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli

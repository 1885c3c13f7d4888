// tokrec features: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_features(CLI::App& root) {
  auto* cmd = root.add_subcommand("features", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("features", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli

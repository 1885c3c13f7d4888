// tokrec embed: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_embed(CLI::App& root) {
  auto* cmd = root.add_subcommand("embed", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("embed", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli

// tokrec segment: placeholder until the subcommand is implemented.
#include "commands.h"

namespace tokrec::cli {

Action add_segment(CLI::App& root) {
  auto* cmd = root.add_subcommand("segment", "(not implemented yet)");
  cmd->group("");  // hidden from --help until implemented
  return [] { return report_error("segment", Status::internal("not implemented yet")); };
}

}  // namespace tokrec::cli
